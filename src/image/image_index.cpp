#include "image/image_index.h"

#include "image/media_types.h"
#include "image/oci_index.h"
#include "util/error.h"

namespace venv2docker {

using nlohmann::json;

namespace {

// The platform fields of an index entry, copied from the config (image-spec:
// an entry's platform describes the image its manifest holds).
json platform_of(const Image& image) {
  json platform = json::object();
  for (const char* field : {"architecture", "os", "os.version", "variant"}) {
    if (image.config.contains(field) && image.config[field].is_string()) platform[field] = image.config[field];
  }
  return platform;
}

}  // namespace

Descriptor ImageIndex::descriptor() const {
  return Descriptor{std::string(media_type::oci_index), digest(), raw.size(), {}, std::nullopt};
}

ImageIndex image_index(std::vector<Image> images) {
  json manifests = json::array();
  for (const Image& image : images) {
    Descriptor entry = image.manifest_descriptor();
    entry.platform = platform_of(image);
    for (const auto& listed : manifests) {
      if (listed["platform"] == *entry.platform) {
        throw Error("two images of the index are for the same platform " + entry.platform->dump(),
                    "name each platform once in --platform");
      }
    }
    manifests.push_back(to_json(entry));
  }
  std::string raw = index_document(manifests);
  return ImageIndex{std::move(images), std::move(raw)};
}

}  // namespace venv2docker
