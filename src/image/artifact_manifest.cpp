#include "image/artifact_manifest.h"

namespace venv2docker {

using nlohmann::json;

Image artifact_manifest(std::string_view artifact_type, const std::vector<Descriptor>& blobs,
                        const std::optional<Descriptor>& subject, const BlobStore& store) {
  Image artifact;
  artifact.raw_config = "{}";
  artifact.config = json::object();
  const Digest config = store.put(artifact.raw_config);
  json layers = json::array();
  for (const Descriptor& blob : blobs) {
    layers.push_back(to_json(blob));
    artifact.layers.push_back(Layer{blob, blob.digest});  // no tar: the diff_id is never read
  }
  artifact.manifest = {{"schemaVersion", 2},
                       {"mediaType", media_type::oci_manifest},
                       {"artifactType", artifact_type},
                       {"config", to_json(Descriptor{std::string(k_empty_config_media_type), config, 2, {}, {}})},
                       {"layers", layers}};
  if (subject) artifact.manifest["subject"] = to_json(*subject);
  artifact.raw_manifest = canonical_json(artifact.manifest);
  return artifact;
}

json referrer_descriptor(const Image& artifact) {
  json descriptor = to_json(artifact.manifest_descriptor());
  descriptor["artifactType"] = artifact.manifest.value("artifactType", "");
  return descriptor;
}

}  // namespace venv2docker
