#include "layout_index.h"

#include "venv2docker/error.h"

namespace venv2docker {

using nlohmann::json;

namespace {

constexpr const char* k_ref_name = "org.opencontainers.image.ref.name";

bool is_index_type(const std::string& type) {
  return type == media_type::oci_index || type == media_type::docker_manifest_list;
}

std::string list_tags(const json& manifests) {
  std::string tags;
  for (const auto& entry : manifests) {
    if (entry.contains("annotations") && entry["annotations"].contains(k_ref_name)) {
      tags += (tags.empty() ? "" : ", ") + entry["annotations"][k_ref_name].get<std::string>();
    }
  }
  return tags.empty() ? "none" : tags;
}

const json& pick_entry(const json& index, const std::optional<std::string>& tag, const std::string& where) {
  const json& manifests = index["manifests"];
  if (tag) {
    for (const auto& entry : manifests) {
      if (entry.contains("annotations") && entry["annotations"].value(k_ref_name, std::string{}) == *tag) return entry;
    }
    throw Error(where + " has no image tagged \"" + *tag + "\"", "tags in it: " + list_tags(manifests));
  }
  if (manifests.size() != 1) {
    throw Error(where + " holds " + std::to_string(manifests.size()) + " images; say which one",
                "add :TAG to the reference; tags in it: " + list_tags(manifests));
  }
  return manifests[0];
}

const json& pick_platform(const json& index, const std::string& where) {
  for (const auto& entry : index["manifests"]) {
    const json platform = entry.value("platform", json::object());
    if (platform.value("os", "") == "linux" && platform.value("architecture", "") == "amd64") return entry;
  }
  throw Error(where + " has no linux/amd64 image in its index");
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
                           const BlobFetcher& fetch, const BlobStore& store, const std::string& where) {
  json index = parse_json(index_json, "index.json of " + where);
  if (!index.contains("manifests") || !index["manifests"].is_array()) {
    throw Error("index.json of " + where + " has no manifests list", "is this an OCI image layout?");
  }
  Descriptor chosen = descriptor_from_json(pick_entry(index, tag, where), "index.json of " + where);
  // Nested indexes (multi-platform images): descend by platform, a bounded number of times.
  for (int depth = 0; is_index_type(chosen.media_type); ++depth) {
    if (depth == 4) throw Error("image indexes in " + where + " nest too deeply");
    json nested = parse_json(read_verified(chosen, fetch, store), "an image index in " + where);
    chosen = descriptor_from_json(pick_platform(nested, where), "an image index in " + where);
  }
  std::string raw_manifest = read_verified(chosen, fetch, store);
  json manifest = parse_json(raw_manifest, "the manifest of " + where);
  if (!manifest.contains("config")) throw Error("the manifest of " + where + " has no config");
  std::string raw_config = read_verified(descriptor_from_json(manifest["config"], where), fetch, store);
  Image image = image_from_documents(std::move(raw_manifest), std::move(raw_config), where);
  for (const auto& layer : image.layers) fetch(layer.blob);
  store.put(image.raw_manifest);
  return image;
}

}  // namespace venv2docker
