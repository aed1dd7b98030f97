#include "image/oci_conversion.h"

#include "image/media_types.h"
#include "util/error.h"

namespace venv2docker {

std::string oci_layer_media_type(const std::string& media_type, const std::string& where) {
  if (media_type == media_type::docker_layer_gzip) return std::string(media_type::oci_layer_gzip);
  if (media_type == media_type::docker_layer_tar) return std::string(media_type::oci_layer_tar);
  if (media_type == media_type::docker_layer_zstd) return std::string(media_type::oci_layer_zstd);
  if (media_type.starts_with("application/vnd.oci.image.layer.")) return media_type;
  if (media_type.starts_with(media_type::docker_foreign_layer_prefix)) {
    throw Error(where + " has a foreign layer (" + media_type + "), which venv2docker cannot build on",
                "foreign layers belong to Windows images: use a Linux base image");
  }
  throw Error(where + " lists a layer of media type \"" + media_type + "\", which is not a layer type I know",
              "use a base image whose layers are Docker or OCI tar layers");
}

Image as_oci_image(const Image& image, const std::string& where) {
  if (image.family == MediaFamily::oci) return image;
  std::vector<Descriptor> layers;
  for (const auto& layer : image.layers) {
    layers.push_back(Descriptor{oci_layer_media_type(layer.blob.media_type, where), layer.blob.digest, layer.blob.size,
                                {}, std::nullopt});
  }
  return image_from_documents(image_manifest(MediaFamily::oci, image.raw_config, layers), image.raw_config, where);
}

}  // namespace venv2docker
