// The referrers tag index is read, changed and written back: two runs
// attaching to one image at once may drop one another's entry, as with any
// client of the fallback (the spec leaves the race to ETags this registry
// class rarely honours); each rerun adds its entry again.
#include "remote/registry_referrers.h"

#include "image/artifact_manifest.h"
#include "image/document_shape.h"
#include "image/oci_index.h"
#include "remote/manifest_upload.h"
#include "remote/registry_auth.h"
#include "remote/registry_session.h"

namespace venv2docker {

using nlohmann::json;

namespace {

// The referrers index's entries under `tag`, none when the tag is unknown.
json current_referrers(RegistrySession& session, const Reference& repository, const std::string& tag) {
  RegistryRequest request;
  request.target = "/v2/" + repository.repository + "/manifests/" + tag;
  request.headers = {"Accept: " + std::string(media_type::oci_index)};
  request.max_body = k_max_json_document;
  const HttpResponse response = session.send(request);
  if (response.status == 404) return json::array();
  if (response.status != 200) session.fail(request, response, "cannot read the referrers index " + tag);
  const std::string where = "the referrers index " + repository.name() + ":" + tag;
  const json index = parse_json(response.body, where);
  check_index_shape(index, where);
  return index["manifests"];
}

void add_to_referrers_tag(const Image& artifact, const Digest& subject, const Reference& repository,
                          const RegistryOptions& options, Reporter& reporter) {
  const std::string tag = referrers_tag(subject);
  ScopeSet scopes;
  scopes.add(push_scope(repository.repository));
  RegistrySession session(repository, scopes, options, reporter, "listing the SBOM of " + repository.familiar());
  json manifests = json::array();
  for (const json& entry : current_referrers(session, repository, tag)) {
    if (entry.value("digest", "") != artifact.manifest_digest().str()) manifests.push_back(entry);
  }
  manifests.push_back(referrer_descriptor(artifact));
  const std::string body = index_document(manifests);
  put_manifest(session, repository, tag, body, std::string(media_type::oci_index), sha256_of(body),
               "the referrers index " + tag);
}

}  // namespace

std::string referrers_tag(const Digest& subject) { return "sha256-" + std::string(subject.hex()); }

PushResult attach_referrer(const Image& artifact, const Digest& subject, const Reference& repository,
                           const RegistryOptions& options, const BlobStore& store, Reporter& reporter) {
  Reference at = repository;
  at.tag.reset();
  at.digest = artifact.manifest_digest();
  PushResult pushed = push_image(artifact, at, {}, options, store, reporter);
  if (!pushed.subject_indexed) add_to_referrers_tag(artifact, subject, repository, options, reporter);
  return pushed;
}

}  // namespace venv2docker
