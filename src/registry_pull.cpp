// Pulling: manifest (by tag or digest, with an index resolved to one
// platform), config and layers, each verified by digest and size as it
// streams into the blob store. Manifests are kept in the store by digest, so
// a reference pinned by digest needs no request once pulled.
#include <algorithm>

#include "layout_index.h"
#include "parallel_jobs.h"
#include "platform.h"
#include "registry_blobs.h"
#include "registry_session.h"
#include "venv2docker/registry.h"

namespace venv2docker {

using nlohmann::json;

namespace {

constexpr int k_max_index_depth = 4;

const char* const k_accept =
    "Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json";

bool is_index_type(std::string_view type) {
  return type == media_type::oci_index || type == media_type::docker_manifest_list;
}

bool is_schema1(std::string_view type) {
  return type == media_type::docker_schema1 || type == media_type::docker_schema1_signed;
}

bool is_manifest_type(std::string_view type) {
  return type == media_type::oci_manifest || type == media_type::oci_index || type == media_type::docker_manifest ||
         type == media_type::docker_manifest_list;
}

struct Manifest {
  std::string raw;
  json value;
  std::string media_type;
  Digest digest;
};

std::string type_of_document(const json& value) {
  if (value.contains("mediaType") && value["mediaType"].is_string()) return value["mediaType"].get<std::string>();
  if (value.contains("manifests")) return std::string(media_type::oci_index);
  return std::string(media_type::oci_manifest);
}

std::string strip_parameters(std::string type) {
  auto semicolon = type.find(';');
  if (semicolon != std::string::npos) type.erase(semicolon);
  while (!type.empty() && type.back() == ' ') type.pop_back();
  return type;
}

// GETs a manifest by tag or digest (or reads it from the store when pinned
// by a digest it already holds), checks it and keeps it in the store.
Manifest fetch_manifest(RegistrySession& session, const std::string& repository, const std::string& reference,
                        const std::optional<Digest>& expected, const BlobStore& store, const std::string& where) {
  if (expected && store.has(*expected)) {
    std::string raw = store.read(*expected, k_max_json_document);
    json value = parse_json(raw, "the manifest of " + where);
    return Manifest{raw, value, type_of_document(value), *expected};
  }
  RegistryRequest request;
  request.target = "/v2/" + repository + "/manifests/" + reference;
  request.headers = {k_accept};
  request.max_body = k_max_json_document;
  HttpResponse response = session.send(request);
  if (response.status == 404) session.fail(request, response, "no image " + where);
  if (response.status != 200) session.fail(request, response, "cannot get the manifest of " + where);
  std::string content_type = strip_parameters(response.headers.get("content-type").value_or(""));
  if (is_schema1(content_type)) {
    throw Error(where + " uses the Docker schema 1 manifest format, which is not supported",
                "re-push the image with a current Docker or skopeo");
  }
  Digest digest = sha256_of(response.body);
  if (expected && digest != *expected) {
    throw Error("registry " + session.registry() + " sent a manifest for " + where + " with digest " + digest.str() +
                    ", expected " + expected->str(),
                "the registry (or something between it and us) changed the image; nothing was stored");
  }
  json value = parse_json(response.body, "the manifest of " + where);
  if (!value.is_object()) throw Error("the manifest of " + where + " is not a JSON object");
  std::string declared = value.contains("mediaType") && value["mediaType"].is_string()
                             ? value["mediaType"].get<std::string>()
                             : std::string{};
  // A document must not claim another type than the one it was served as
  // (manifest/index confusion, CVE-2021-41190).
  // (Registries that serve "application/json" say nothing; the document decides.)
  if (!declared.empty() && is_manifest_type(content_type) && declared != content_type) {
    throw Error("registry " + session.registry() + " served the manifest of " + where + " as " + content_type +
                " but it says it is " + declared);
  }
  std::string type = !declared.empty() ? declared : is_manifest_type(content_type) ? content_type : type_of_document(value);
  if (is_schema1(type) || value.value("schemaVersion", 0) == 1) {
    throw Error(where + " uses the Docker schema 1 manifest format, which is not supported",
                "re-push the image with a current Docker or skopeo");
  }
  store.put(response.body);
  return Manifest{std::move(response.body), std::move(value), type, digest};
}

Descriptor pick_platform(const Manifest& index, const Platform& wanted, const std::string& where) {
  if (!index.value.contains("manifests") || !index.value["manifests"].is_array()) {
    throw Error("the image index of " + where + " has no manifests list");
  }
  std::string available;
  for (const auto& entry : index.value["manifests"]) {
    Platform platform = Platform::from_json(entry.value("platform", json::object()));
    if (wanted.matches(platform)) return descriptor_from_json(entry, "the image index of " + where);
    if (!platform.os.empty() && platform.os != "unknown") {
      available += (available.empty() ? "" : ", ") + platform.str();
    }
  }
  throw Error(where + " has no " + wanted.str() + " image", "it has: " + (available.empty() ? "none" : available) +
                                                               "; choose one with --platform");
}

}  // namespace

BaseImage pull_image(const Reference& reference, const RegistryOptions& options, const BlobStore& store,
                     Reporter& reporter) {
  std::string where = reference.familiar();
  HttpClient http;
  SharedReporter shared(reporter, "pulling " + where);
  ScopeSet scopes;
  scopes.add(pull_scope(reference.repository));
  RegistrySession session(reference, scopes, options, http, shared);
  Platform wanted = Platform::parse(options.platform.value_or("linux/amd64"));

  Manifest manifest = fetch_manifest(session, reference.repository,
                                     reference.digest ? reference.digest->str() : reference.tag_or_latest(),
                                     reference.digest, store, where);
  for (int depth = 0; is_index_type(manifest.media_type); ++depth) {
    if (depth == k_max_index_depth) throw Error("image indexes in " + where + " nest too deeply");
    Descriptor chosen = pick_platform(manifest, wanted, where);
    if (chosen.size > k_max_json_document) throw Error("the manifest of " + where + " is too large");
    shared.detail(where + ": " + wanted.str() + " is " + chosen.digest.str());
    manifest = fetch_manifest(session, reference.repository, chosen.digest.str(), chosen.digest, store, where);
    if (manifest.raw.size() != chosen.size) {
      throw Error("the manifest " + chosen.digest.str() + " of " + where + " has " + std::to_string(manifest.raw.size()) +
                  " bytes; its index says " + std::to_string(chosen.size));
    }
  }
  if (!manifest.value.contains("config")) throw Error("the manifest of " + where + " is not an image manifest");
  Descriptor config = descriptor_from_json(manifest.value["config"], "the manifest of " + where);
  if (config.size > k_max_json_document) throw Error("the config of " + where + " is too large");
  fetch_blob(session, reference.repository, config, store, shared, where);
  Image image = image_from_documents(manifest.raw, store.read(config.digest, k_max_json_document), where);

  if (options.platform) {
    // A single-platform base must still be the platform asked for.
    Platform actual = Platform::from_json(image.config);
    if (!wanted.matches(actual)) {
      throw Error(where + " is a " + actual.str() + " image, not " + wanted.str(),
                  "choose a base built for " + wanted.str() + ", or drop --platform");
    }
  }
  std::vector<Descriptor> missing;
  for (const auto& layer : image.layers) {
    bool listed = std::any_of(missing.begin(), missing.end(), [&](const Descriptor& d) { return d.digest == layer.blob.digest; });
    if (!listed && !store.has(layer.blob.digest)) missing.push_back(layer.blob);
  }
  if (!missing.empty()) {
    run_jobs(missing.size(), options.parallelism,
             [&](std::size_t i) { fetch_blob(session, reference.repository, missing[i], store, shared, where); });
    shared.end_progress();
  }
  shared.detail(where + ": " + std::to_string(missing.size()) + " of " + std::to_string(image.layers.size()) +
                " layers downloaded, manifest " + manifest.digest.str());
  return BaseImage{std::move(image), reference.full(), false};
}

}  // namespace venv2docker
