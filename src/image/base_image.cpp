#include "image/base_image.h"

namespace venv2docker {

using nlohmann::json;

BaseImage scratch_image(const BlobStore& store, const Platform& platform) {
  json config = {{"architecture", platform.architecture},
                 {"os", platform.os},
                 {"config", json::object()},
                 {"rootfs", {{"type", "layers"}, {"diff_ids", json::array()}}}};
  if (!platform.variant.empty()) config["variant"] = platform.variant;
  std::string raw_config = canonical_json(config);
  store.put(raw_config);
  return BaseImage{image_from_documents(image_manifest(MediaFamily::oci, raw_config, {}), raw_config, "scratch"), "",
                   true, {}};
}

}  // namespace venv2docker
