#include "test_images.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "layer/layer_writer.h"

namespace venv2docker::test {

namespace fs = std::filesystem;
using nlohmann::json;

void write_bytes(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

Image make_image(const BlobStore& store, const fs::path& scratch, const std::string& text, bool repeat_layer,
                 MediaFamily family) {
  write_bytes(scratch / "hello.txt", text);
  write_bytes(scratch / "run.sh", "#!/bin/sh\necho " + text + "\n");
  LayerOptions options;
  options.family = family;
  std::vector<Layer> layers;
  layers.push_back(write_layer({LayerEntry{"/app/hello.txt", EntryKind::regular, 0644, {}, scratch / "hello.txt",
                                           std::nullopt, fs::file_size(scratch / "hello.txt"), std::nullopt}},
                               options, store));
  if (repeat_layer) {
    layers.push_back(layers.front());
  } else {
    layers.push_back(write_layer({LayerEntry{"/app/run.sh", EntryKind::regular, 0755, {}, scratch / "run.sh",
                                             std::nullopt, fs::file_size(scratch / "run.sh"), std::nullopt}},
                                 options, store));
  }
  json diff_ids = json::array();
  json layer_descriptors = json::array();
  for (const auto& layer : layers) {
    diff_ids.push_back(layer.diff_id.str());
    layer_descriptors.push_back(to_json(layer.blob));
  }
  json config = {{"architecture", "amd64"},
                 {"os", "linux"},
                 {"created", "2000-01-01T00:00:00Z"},
                 {"config", {{"Cmd", {"/app/run.sh"}}, {"Labels", {{"text", text}}}}},
                 {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}}};
  std::string raw_config = canonical_json(config);
  Digest config_digest = store.put(raw_config);
  json manifest = {{"schemaVersion", 2},
                   {"mediaType", manifest_media_type(family)},
                   {"config", {{"mediaType", config_media_type(family)}, {"digest", config_digest.str()},
                               {"size", raw_config.size()}}},
                   {"layers", layer_descriptors}};
  std::string raw_manifest = canonical_json(manifest);
  store.put(raw_manifest);
  return image_from_documents(raw_manifest, raw_config, "the test image");
}

}  // namespace venv2docker::test
