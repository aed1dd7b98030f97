#include "test_images.h"

#include <fstream>
#include <random>
#include <set>
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

namespace {

// The config (`config` plus rootfs naming the layers' diff_ids) and the
// manifest of `layers`, stored; the image read back from those bytes.
Image assemble(const BlobStore& store, const std::vector<Layer>& layers, json config, MediaFamily family,
               const std::string& what) {
  json diff_ids = json::array();
  std::vector<Descriptor> layer_descriptors;
  for (const auto& layer : layers) {
    diff_ids.push_back(layer.diff_id.str());
    layer_descriptors.push_back(layer.blob);
  }
  config["rootfs"] = {{"type", "layers"}, {"diff_ids", diff_ids}};
  std::string raw_config = canonical_json(config);
  store.put(raw_config);
  std::string raw_manifest = image_manifest(family, raw_config, layer_descriptors);
  store.put(raw_manifest);
  return image_from_documents(raw_manifest, raw_config, what);
}

LayerEntry file_entry(const std::string& path, std::string content, std::uint32_t mode) {
  LayerEntry entry{path, EntryKind::regular, mode, {}, {}, std::move(content), 0, std::nullopt};
  entry.size = entry.content->size();
  return entry;
}

std::string random_name(std::mt19937& rng) {
  static const std::string letters = "abcdefghijklmnopqrstuvwxyz0123456789_-";
  static const char* const non_ascii[] = {"\xc3\xa9", "\xc3\x9f", "\xe6\x97\xa5\xe6\x9c\xac"};  // é ß 日本
  std::string name;
  for (int i = std::uniform_int_distribution<int>(3, 12)(rng); i > 0; --i) {
    name += letters[std::uniform_int_distribution<std::size_t>(0, letters.size() - 1)(rng)];
  }
  if (std::uniform_int_distribution<int>(0, 4)(rng) == 0) name += non_ascii[std::uniform_int_distribution<int>(0, 2)(rng)];
  return name;
}

std::vector<LayerEntry> random_entries(std::mt19937& rng, const RandomImageOptions& options) {
  std::string top = "/r-" + random_name(rng);
  std::vector<std::string> folders{top, top + "/" + random_name(rng)};
  std::vector<LayerEntry> entries;
  for (const auto& folder : folders) entries.push_back(LayerEntry{folder, EntryKind::directory, 0755, {}, {}, {}, 0, {}});
  std::set<std::string> paths;
  while (paths.size() < static_cast<std::size_t>(options.files_per_layer)) {
    paths.insert(folders[std::uniform_int_distribution<std::size_t>(0, 1)(rng)] + "/" + random_name(rng) + ".bin");
  }
  for (const auto& path : paths) {
    std::string bytes(std::uniform_int_distribution<std::size_t>(0, options.max_file_size)(rng), '\0');
    for (auto& byte : bytes) byte = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
    entries.push_back(file_entry(path, std::move(bytes), std::uniform_int_distribution<int>(0, 1)(rng) ? 0755 : 0644));
  }
  if (!paths.empty()) {
    entries.push_back(LayerEntry{top + "/link-" + random_name(rng), EntryKind::symlink, 0777, *paths.begin(), {}, {}, 0, {}});
  }
  sort_entries(entries);
  return entries;
}

}  // namespace

Image make_image(const BlobStore& store, const fs::path& scratch, const std::string& text, bool repeat_layer,
                 MediaFamily family, bool with_history) {
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
  // One history entry per layer, as every builder writes.
  json history = json::array();
  for (std::size_t i = 0; i < layers.size(); ++i) {
    history.push_back({{"created", "2000-01-01T00:00:00Z"}, {"created_by", "make_image layer " + std::to_string(i)}});
  }
  json config = {{"architecture", "amd64"},
                 {"os", "linux"},
                 {"created", "2000-01-01T00:00:00Z"},
                 {"config", {{"Cmd", {"/app/run.sh"}}, {"Labels", {{"text", text}}}}},
                 {"history", history}};
  if (!with_history) config.erase("history");
  return assemble(store, layers, config, family, "the test image");
}

Image random_image(const BlobStore& store, const RandomImageOptions& options) {
  std::mt19937 rng(options.seed);
  LayerOptions layer_options;
  layer_options.family = options.family;
  std::vector<Layer> layers;
  json history = json::array();
  for (int i = 0; i < options.layers; ++i) {
    layers.push_back(write_layer(random_entries(rng, options), layer_options, store));
    history.push_back({{"created", "2000-01-01T00:00:00Z"}, {"created_by", "random layer " + std::to_string(i)}});
  }
  std::size_t empty_at = std::uniform_int_distribution<std::size_t>(0, history.size())(rng);
  history.insert(history.begin() + static_cast<std::ptrdiff_t>(empty_at),
                 json{{"created", "2000-01-01T00:00:00Z"}, {"created_by", "ENV RANDOM=1"}, {"empty_layer", true}});
  json config = {{"architecture", options.architecture},
                 {"os", "linux"},
                 {"created", "2000-01-01T00:00:00Z"},
                 {"config", {{"Env", {"PATH=/usr/bin:/bin", "RANDOM_SEED=" + std::to_string(options.seed)}},
                             {"Labels", {{"org.example.random", random_name(rng)}}}}},
                 {"history", history}};
  return assemble(store, layers, config, options.family, "random image (seed " + std::to_string(options.seed) + ")");
}

}  // namespace venv2docker::test
