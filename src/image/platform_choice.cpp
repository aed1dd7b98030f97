#include "image/platform_choice.h"

#include <optional>

#include "image/document_shape.h"
#include "util/error.h"
#include "util/reporter.h"

namespace venv2docker {

using nlohmann::json;

namespace {

constexpr int k_max_index_depth = 4;

// Attestation manifests (BuildKit) sit in indexes as "unknown/unknown":
// never a choice, so never offered in the list of what is there.
bool names_a_platform(const Platform& platform) {
  return !platform.os.empty() && platform.os != "unknown" && !platform.architecture.empty();
}

std::string list_platforms(const json& entries) {
  std::vector<std::string> seen;
  for (const auto& entry : entries) {
    Platform platform = Platform::from_json(entry.value("platform", json::object()));
    if (!names_a_platform(platform)) continue;
    if (std::find(seen.begin(), seen.end(), platform.str()) == seen.end()) seen.push_back(platform.str());
  }
  std::string text;
  for (const auto& name : seen) text += (text.empty() ? "" : ", ") + name;
  return text.empty() ? "no platform named" : text;
}

}  // namespace

ManifestDocument manifest_document(std::string raw, std::string_view declared, const std::string& where) {
  json value = parse_json(raw, where);
  const bool index = document_is_index(value, declared, where);
  std::string type;
  if (value.contains("mediaType")) {
    type = value["mediaType"].get<std::string>();
  } else if (!declared.empty()) {
    type = declared;
  } else {
    type = index ? media_type::oci_index : media_type::oci_manifest;
  }
  const auto version = value.find("schemaVersion");
  if (is_docker_schema1(type) || (version != value.end() && *version == 1)) {
    throw Error(where + " uses the Docker schema 1 manifest format, which is not supported",
                "re-push the image with a current Docker or skopeo");
  }
  if (index) {
    check_index_shape(value, where);
  } else {
    check_manifest_shape(value, where);
  }
  return ManifestDocument{std::move(raw), std::move(value), std::move(type)};
}

bool is_index_media_type(std::string_view type) {
  return type == media_type::oci_index || type == media_type::docker_manifest_list;
}

Descriptor choose_platform(const json& entries, const Platform& wanted, const std::string& where) {
  const json* best = nullptr;
  std::optional<std::size_t> best_rank;
  for (const auto& entry : entries) {
    auto rank = platform_match_rank(wanted, Platform::from_json(entry.value("platform", json::object())));
    if (rank && (!best_rank || *rank < *best_rank)) {
      best = &entry;
      best_rank = rank;
    }
  }
  if (!best) {
    throw Error(where + " has no " + wanted.str() + " image; it has " + list_platforms(entries),
                "choose one of those with --platform (OS/ARCH[/VARIANT]), or a base built for " + wanted.str());
  }
  return descriptor_from_json(*best, "the image index of " + where);
}

ManifestDocument descend_to_image_manifest(ManifestDocument document, const Platform& wanted,
                                           const ManifestFetcher& fetch, const std::string& where) {
  for (int depth = 0; is_index_media_type(document.media_type); ++depth) {
    if (depth == k_max_index_depth) throw Error("image indexes in " + where + " nest too deeply");
    if (!document.value.contains("manifests") || !document.value["manifests"].is_array()) {
      throw Error("the image index of " + where + " has no manifests list");
    }
    Descriptor chosen = choose_platform(document.value["manifests"], wanted, where);
    if (chosen.size > k_max_json_document) {
      throw Error("the manifest " + chosen.digest.str() + " of " + where + " is too large (" +
                  std::to_string(chosen.size) + " bytes)");
    }
    document = fetch(chosen);
  }
  if (!document.value.contains("config")) throw Error("the manifest of " + where + " is not an image manifest");
  return document;
}

void check_base_platform(const Image& image, const PlatformRequest& request, const std::string& where,
                         Reporter& reporter) {
  Platform actual = Platform::from_json(image.config);
  if (platform_match_rank(request.platform, actual)) return;
  bool named = names_a_platform(actual);
  if (request.given && !named) {
    throw Error("the config of " + where + " names no platform, so it cannot be checked against --platform " +
                    request.platform.str(),
                "use a base whose config says its os and architecture, or drop --platform");
  }
  if (request.given) {
    throw Error(where + " is a " + actual.str() + " image, not " + request.platform.str() + " as --platform asks",
                "use a base built for " + request.platform.str() + ", or --platform " + actual.str() +
                    " to build for this one");
  }
  // Without --platform the base decides (the user chose it), but a base
  // for another machine is worth a word: the checks will hold the venv to it.
  if (named) {
    reporter.warning(where + " is a " + actual.str() + " image, not one for this machine (" +
                     request.platform.str() + "): building a " + actual.str() + " image (--platform " + actual.str() +
                     " says so and silences this)");
  }
}

}  // namespace venv2docker
