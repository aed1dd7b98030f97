#include "image/base_image.h"

#include "image/media_types.h"

namespace venv2docker {

using nlohmann::json;

BaseImage scratch_image(const BlobStore& store, const Platform& platform) {
  json config = {{"architecture", platform.architecture},
                 {"os", platform.os},
                 {"config", json::object()},
                 {"rootfs", {{"type", "layers"}, {"diff_ids", json::array()}}}};
  if (!platform.variant.empty()) config["variant"] = platform.variant;
  std::string raw_config = canonical_json(config);
  Digest config_digest = store.put(raw_config);
  json manifest = {{"schemaVersion", 2},
                   {"mediaType", media_type::oci_manifest},
                   {"config", {{"mediaType", media_type::oci_config}, {"digest", config_digest.str()}, {"size", raw_config.size()}}},
                   {"layers", json::array()}};
  return BaseImage{image_from_documents(canonical_json(manifest), raw_config, "scratch"), "", true};
}

}  // namespace venv2docker
