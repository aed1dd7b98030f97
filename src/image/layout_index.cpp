#include "image/layout_index.h"

#include <algorithm>

#include "image/document_shape.h"
#include "image/layout_referrers.h"
#include "image/platform_choice.h"
#include "util/error.h"

namespace venv2docker {

using nlohmann::json;

namespace {

constexpr const char* k_ref_name = "org.opencontainers.image.ref.name";

std::optional<std::string> tag_of(const json& entry) {
  if (!entry.contains("annotations") || !entry["annotations"].is_object()) return std::nullopt;
  const json& annotations = entry["annotations"];
  if (!annotations.contains(k_ref_name) || !annotations[k_ref_name].is_string()) return std::nullopt;
  return annotations[k_ref_name].get<std::string>();
}

std::string list_tags(const json& manifests) {
  std::string tags;
  for (const auto& entry : manifests) {
    if (auto tag = tag_of(entry)) tags += (tags.empty() ? "" : ", ") + *tag;
  }
  return tags.empty() ? "none" : tags;
}

bool any_names_a_platform(const json& entries) {
  return std::any_of(entries.begin(), entries.end(), [](const json& entry) { return entry.contains("platform"); });
}

// The entry `tag` names, or the only image. Several entries under one tag (or
// several untagged) are one image for several platforms when they say
// their platforms, as `ctr export` and some registries' layouts write them.
// Referrers (an image's SBOM) sit beside the images untagged and are no
// image to pick.
Descriptor pick_entry(const json& index, const std::optional<std::string>& tag, const Platform& wanted,
                      const std::string& where) {
  const json& manifests = index.at("manifests");
  json candidates = json::array();
  for (const auto& entry : manifests) {
    if (tag ? tag_of(entry) == *tag : !is_referrer_entry(entry)) candidates.push_back(entry);
  }
  if (candidates.empty() && tag) {
    throw Error(where + " has no image tagged \"" + *tag + "\"", "tags in it: " + list_tags(manifests));
  }
  if (candidates.empty()) throw Error(where + " holds no image", "is this an OCI image layout?");
  if (candidates.size() == 1) return descriptor_from_json(candidates[0], "index.json of " + where);
  if (any_names_a_platform(candidates)) return choose_platform(candidates, wanted, where);
  throw Error(where + " holds " + std::to_string(candidates.size()) + " images" + (tag ? " tagged \"" + *tag + "\"" : "") +
                  "; say which one",
              "add :TAG to the reference; tags in it: " + list_tags(manifests));
}

std::string read_verified(const Descriptor& descriptor, const BlobFetcher& fetch, const BlobStore& store) {
  if (descriptor.size > k_max_json_document) {
    throw Error("a document of " + std::to_string(descriptor.size) + " bytes is too large (" + descriptor.digest.str() + ")");
  }
  fetch(descriptor);
  return store.read(descriptor.digest, k_max_json_document);
}

}  // namespace

Image resolve_layout_image(const std::string& index_json, const std::optional<std::string>& tag,
                           const PlatformRequest& platform, const BlobFetcher& fetch, const BlobFetcher& fetch_layer,
                           const BlobStore& store, const std::string& where, Reporter& reporter) {
  const Platform& wanted = platform.platform;
  json index = parse_json(index_json, "index.json of " + where);
  check_index_shape(index, "index.json of " + where);
  auto read_document = [&](const Descriptor& descriptor) {
    return manifest_document(read_verified(descriptor, fetch, store), descriptor.media_type,
                             "the document " + descriptor.digest.str() + " of " + where);
  };
  ManifestDocument manifest = descend_to_image_manifest(read_document(pick_entry(index, tag, wanted, where)), wanted,
                                                        read_document, where);
  std::string raw_config =
      read_verified(descriptor_from_json(manifest.value["config"], "the manifest of " + where), fetch, store);
  Image image = image_from_documents(std::move(manifest.raw), std::move(raw_config), where);
  check_base_platform(image, platform, where, reporter);
  for (const auto& layer : image.layers) fetch_layer(layer.blob);
  store.put(image.raw_manifest);
  return image;
}

}  // namespace venv2docker
