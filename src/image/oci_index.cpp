#include "image/oci_index.h"

#include "image/media_types.h"
#include "util/error.h"

namespace venv2docker {

using nlohmann::json;

json index_entry(const Image& image, const std::map<std::string, std::string>& annotations) {
  Descriptor descriptor = image.manifest_descriptor();
  descriptor.annotations = annotations;
  return to_json(descriptor);
}

std::string index_document(const json& manifests) {
  return canonical_json(json{{"schemaVersion", 2}, {"mediaType", media_type::oci_index}, {"manifests", manifests}});
}

std::map<Digest, std::uint64_t> stage_image_blobs(const Image& image, const BlobStore& store) {
  std::map<Digest, std::uint64_t> blobs;
  blobs.emplace(store.put(image.raw_manifest), image.raw_manifest.size());
  blobs.emplace(store.put(image.raw_config), image.raw_config.size());
  for (std::size_t i = 0; i < image.layers.size(); ++i) {
    const Descriptor& layer = image.layers[i].blob;
    std::string which = "layer " + std::to_string(i + 1) + " of " + std::to_string(image.layers.size()) + " (" +
                        layer.digest.str() + ")";
    if (!store.has(layer.digest)) {
      throw Error(which + " is missing from the cache " + store.root().string(),
                  "was the cache folder cleaned while venv2docker ran? run the build again");
    }
    // A cheap guard against a truncated cache file; the archive writer also
    // checks the digest as it streams the bytes.
    if (std::uint64_t stored = store.size_of(layer.digest); stored != layer.size) {
      throw Error(which + " is " + std::to_string(stored) + " bytes in the cache " + store.root().string() +
                      " but its manifest says " + std::to_string(layer.size),
                  "the cache is corrupt: remove " + store.path_of(layer.digest).string() + " and build again");
    }
    blobs.emplace(layer.digest, layer.size);
  }
  return blobs;
}

}  // namespace venv2docker
