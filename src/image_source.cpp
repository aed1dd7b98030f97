#include "venv2docker/image_source.h"

#include "layout_reference.h"

#include "venv2docker/error.h"
#include "venv2docker/reference.h"
#include "venv2docker/registry.h"

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

BaseImage load_base_image(const std::string& base, const PlatformRequest& platform, const BlobStore& store,
                          const RegistryOptions& registry, Reporter& reporter) {
  if (base == "scratch") return scratch_image(store, platform.platform);
  if (base.starts_with("oci:")) {
    auto [dir, tag] = split_layout_reference(base.substr(4));
    if (dir.empty()) throw UsageError("--base oci: needs a folder, as in oci:DIR[:TAG]");
    return read_oci_layout(dir, tag, platform, store, reporter);
  }
  if (base.starts_with("docker-archive:")) {
    std::string file = base.substr(15);
    if (file.empty()) throw UsageError("--base docker-archive: needs a file, as in docker-archive:FILE");
    return read_docker_archive(file, platform, store, reporter);
  }
  auto reference = Reference::parse(base);
  if (!reference) {
    throw UsageError("--base \"" + base + "\" is not an image reference",
                     "use a registry reference (python:3.11-slim, localhost:5000/x:tag, name@sha256:...), "
                     "oci:DIR[:TAG], docker-archive:FILE or scratch");
  }
  return pull_image(*reference, registry, platform, store, reporter);
}

}  // namespace venv2docker
