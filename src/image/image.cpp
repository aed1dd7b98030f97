#include "image/image.h"

#include "image/document_shape.h"
#include "util/error.h"

namespace venv2docker {

using nlohmann::json;

json to_json(const Descriptor& descriptor) {
  json out = {{"mediaType", descriptor.media_type},
              {"digest", descriptor.digest.str()},
              {"size", descriptor.size}};
  if (!descriptor.annotations.empty()) out["annotations"] = descriptor.annotations;
  if (descriptor.platform) out["platform"] = *descriptor.platform;
  return out;
}

Descriptor descriptor_from_json(const json& in, const std::string& where) {
  if (!in.is_object() || !in.contains("digest") || !in["digest"].is_string() || !in.contains("size") ||
      !in["size"].is_number_unsigned()) {
    throw Error("malformed descriptor in " + where + ": needs a digest and a size");
  }
  Descriptor out{in.value("mediaType", std::string{}), Digest::parse_or_throw(in["digest"].get<std::string>(), where),
                 in["size"].get<std::uint64_t>(), {}, std::nullopt};
  if (in.contains("annotations") && in["annotations"].is_object()) {
    for (auto& [key, value] : in["annotations"].items()) {
      if (value.is_string()) out.annotations[key] = value.get<std::string>();
    }
  }
  if (in.contains("platform") && in["platform"].is_object()) out.platform = in["platform"];
  return out;
}

Descriptor Image::manifest_descriptor() const {
  return Descriptor{std::string(manifest_media_type(family)), manifest_digest(), raw_manifest.size(), {}, std::nullopt};
}

json parse_json(const std::string& bytes, const std::string& where) {
  json value = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) throw Error(where + " is not valid JSON");
  return value;
}

std::string canonical_json(const json& value) { return value.dump(); }

std::string image_manifest(MediaFamily family, const std::string& raw_config, const std::vector<Descriptor>& layers,
                           const std::map<std::string, std::string>& annotations) {
  const Descriptor config{std::string(config_media_type(family)), sha256_of(raw_config), raw_config.size(), {},
                          std::nullopt};
  json layer_list = json::array();
  for (const auto& layer : layers) layer_list.push_back(to_json(layer));
  json manifest = {{"schemaVersion", 2},
                   {"mediaType", manifest_media_type(family)},
                   {"config", to_json(config)},
                   {"layers", std::move(layer_list)}};
  if (!annotations.empty()) manifest["annotations"] = annotations;
  return canonical_json(manifest);
}

Image image_from_documents(std::string raw_manifest, std::string raw_config, const std::string& where) {
  Image image;
  image.manifest = parse_json(raw_manifest, "the manifest of " + where);
  const json& manifest = image.manifest;
  // Every source checked the document already (manifest_document); this is
  // the one place an Image is made, so it holds whatever the source.
  if (document_is_index(manifest, "", "the manifest of " + where)) {
    throw Error("the manifest of " + where + " is not an image manifest (it is an index)");
  }
  check_manifest_shape(manifest, "the manifest of " + where);
  std::string type = manifest.value("mediaType", std::string{});
  Descriptor config = descriptor_from_json(manifest["config"], "the manifest of " + where);
  if (type == media_type::docker_manifest || config.media_type == media_type::docker_config) {
    image.family = MediaFamily::docker;
  } else {
    image.family = MediaFamily::oci;
  }
  if (sha256_of(raw_config) != config.digest || raw_config.size() != config.size) {
    throw Error("the config of " + where + " does not match the digest in its manifest");
  }
  image.config = parse_json(raw_config, "the config of " + where);
  check_config_shape(image.config, "the config of " + where);
  const json& diff_ids = image.config.at("rootfs").at("diff_ids");
  if (!diff_ids.is_array() || diff_ids.size() != manifest["layers"].size()) {
    throw Error("the config of " + where + " lists " + std::to_string(diff_ids.is_array() ? diff_ids.size() : 0) +
                " diff_ids for " + std::to_string(manifest["layers"].size()) + " layers");
  }
  for (std::size_t i = 0; i < diff_ids.size(); ++i) {
    Descriptor blob = descriptor_from_json(manifest["layers"][i], "the manifest of " + where);
    if (!diff_ids[i].is_string()) throw Error("a diff_id in the config of " + where + " is not a string");
    image.layers.push_back(Layer{blob, Digest::parse_or_throw(diff_ids[i].get<std::string>(), "the config of " + where)});
  }
  image.raw_manifest = std::move(raw_manifest);
  image.raw_config = std::move(raw_config);
  return image;
}

}  // namespace venv2docker
