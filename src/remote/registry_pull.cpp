// Pulling: manifest (by tag or digest, with an index resolved to one
// platform), config and layers, each verified by digest and size as it
// streams into the blob store. Manifests are kept in the store by digest, so
// a reference pinned by digest needs no request once pulled.
#include <algorithm>

#include "image/platform_choice.h"
#include "remote/registry_blobs.h"
#include "remote/registry_pull.h"
#include "remote/registry_session.h"
#include "util/parallel_jobs.h"

namespace venv2docker {

using nlohmann::json;

namespace {

const char* const k_accept =
    "Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json";

bool is_manifest_type(std::string_view type) {
  return type == media_type::oci_manifest || type == media_type::oci_index || type == media_type::docker_manifest ||
         type == media_type::docker_manifest_list;
}

std::string strip_parameters(std::string type) {
  auto semicolon = type.find(';');
  if (semicolon != std::string::npos) type.erase(semicolon);
  while (!type.empty() && type.back() == ' ') type.pop_back();
  return type;
}

// GETs a manifest by tag or digest (or reads it from the store when pinned
// by a digest it already holds), checks it and keeps it in the store.
ManifestDocument fetch_manifest(RegistrySession& session, const std::string& repository, const std::string& reference,
                                const std::optional<Digest>& expected, const BlobStore& store, const std::string& where) {
  if (expected && store.has(*expected)) {
    return manifest_document(store.read(*expected, k_max_json_document), "", "the manifest of " + where);
  }
  RegistryRequest request;
  request.target = "/v2/" + repository + "/manifests/" + reference;
  request.headers = {k_accept};
  request.max_body = k_max_json_document;
  HttpResponse response = session.send(request);
  if (response.status == 404) session.fail(request, response, "no image " + where);
  if (response.status != 200) session.fail(request, response, "cannot get the manifest of " + where);
  std::string content_type = strip_parameters(response.headers.get("content-type").value_or(""));
  if (is_docker_schema1(content_type)) {
    throw Error(where + " uses the Docker schema 1 manifest format, which is not supported",
                "re-push the image with a current Docker or skopeo");
  }
  Digest digest = sha256_of(response.body);
  if (expected && digest != *expected) {
    throw Error("registry " + session.registry() + " sent a manifest for " + where + " with digest " + digest.str() +
                    ", expected " + expected->str(),
                "the registry (or something between it and us) changed the image; nothing was stored");
  }
  // Registries that serve "application/json" say nothing; the document decides.
  ManifestDocument document = manifest_document(std::move(response.body), is_manifest_type(content_type) ? content_type : "",
                                                "the manifest of " + where);
  // A document must not claim another type than the one it was served as
  // (manifest/index confusion, CVE-2021-41190).
  if (is_manifest_type(content_type) && document.media_type != content_type) {
    throw Error("registry " + session.registry() + " served the manifest of " + where + " as " + content_type +
                " but it says it is " + document.media_type);
  }
  store.put(document.raw);
  return document;
}

}  // namespace

BaseImage pull_image(const Reference& reference, const RegistryOptions& options, const PlatformRequest& platform,
                     const BlobStore& store, Reporter& reporter, const std::function<bool(const Digest&)>& skip_layer,
                     const BlobTaps& layer_taps) {
  std::string where = reference.familiar();
  ScopeSet scopes;
  scopes.add(pull_scope(reference.repository));
  RegistrySession session(reference, scopes, options, reporter, "pulling " + where);
  SharedReporter& shared = session.reporter();

  const Platform& wanted = platform.platform;
  ManifestDocument manifest = descend_to_image_manifest(
      fetch_manifest(session, reference.repository, reference.digest ? reference.digest->str() : reference.tag_or_latest(),
                     reference.digest, store, where),
      wanted,
      [&](const Descriptor& chosen) {
        shared.detail(where + ": " + wanted.str() + " is " + chosen.digest.str());
        ManifestDocument document =
            fetch_manifest(session, reference.repository, chosen.digest.str(), chosen.digest, store, where);
        if (document.raw.size() != chosen.size) {
          throw Error("the manifest " + chosen.digest.str() + " of " + where + " has " +
                      std::to_string(document.raw.size()) + " bytes; its index says " + std::to_string(chosen.size));
        }
        return document;
      },
      where);
  Descriptor config = descriptor_from_json(manifest.value["config"], "the manifest of " + where);
  if (config.size > k_max_json_document) throw Error("the config of " + where + " is too large");
  fetch_blob(session, reference.repository, config, store, shared, where);
  Image image = image_from_documents(manifest.raw, store.read(config.digest, k_max_json_document), where);
  check_base_platform(image, platform, where, reporter);  // before any layer is downloaded

  std::vector<Descriptor> missing;
  for (const auto& layer : image.layers) {
    bool listed = std::any_of(missing.begin(), missing.end(), [&](const Descriptor& d) { return d.digest == layer.blob.digest; });
    const bool skipped = skip_layer && skip_layer(layer.blob.digest);
    if (!listed && !skipped && !store.has(layer.blob.digest)) missing.push_back(layer.blob);
  }
  if (!missing.empty()) {
    run_jobs(missing.size(), options.parallelism,
             [&](std::size_t i) { fetch_blob(session, reference.repository, missing[i], store, shared, where, layer_taps); });
    shared.end_progress();
  }
  shared.detail(where + ": " + std::to_string(missing.size()) + " of " + std::to_string(image.layers.size()) +
                " layers downloaded, manifest " + image.manifest_digest().str());
  return BaseImage{std::move(image), reference.full(), false, {}};
}

}  // namespace venv2docker
