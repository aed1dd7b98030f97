#include "remote/registry_artifact.h"

#include <algorithm>

#include "image/artifact_manifest.h"
#include "image/document_shape.h"
#include "remote/registry_blobs.h"
#include "remote/registry_session.h"

namespace venv2docker {

using nlohmann::json;

PushResult push_artifact(const Reference& destination, std::string_view artifact_type,
                         const std::vector<Descriptor>& blobs, const std::vector<MountSource>& mount_from,
                         const RegistryOptions& options, const BlobStore& store, Reporter& reporter) {
  const Image artifact = artifact_manifest(artifact_type, blobs, std::nullopt, store);
  return push_image(artifact, destination, mount_from, options, store, reporter);
}

std::optional<PulledArtifact> pull_artifact(const Reference& reference, const ArtifactKind& kind,
                                            const RegistryOptions& options, const BlobStore& store,
                                            Reporter& reporter) {
  const std::string where = reference.familiar();
  ScopeSet scopes;
  scopes.add(pull_scope(reference.repository));
  RegistrySession session(reference, scopes, options, reporter, "reading " + where);
  RegistryRequest request;
  request.target = "/v2/" + reference.repository + "/manifests/" +
                   (reference.digest ? reference.digest->str() : reference.tag_or_latest());
  request.headers = {"Accept: " + std::string(media_type::oci_manifest)};
  request.max_body = k_max_json_document;
  HttpResponse response = session.send(request);
  if (response.status == 404) return std::nullopt;
  if (response.status != 200) session.fail(request, response, "cannot get the manifest of " + where);
  if (reference.digest && sha256_of(response.body) != *reference.digest) {
    throw Error("registry " + session.registry() + " sent a manifest for " + where + " of another digest");
  }

  const json manifest = parse_json(response.body, "the manifest of " + where);
  check_manifest_shape(manifest, "the manifest of " + where);
  const json* type = manifest.contains("artifactType") ? &manifest["artifactType"] : nullptr;
  if (!type || !type->is_string() || *type != kind.artifact_type) {
    throw Error(where + " is not " + kind.what + ": its artifactType is " +
                    (type && type->is_string() ? "\"" + type->get<std::string>() + "\"" : std::string("missing")),
                kind.hint);
  }
  std::vector<Descriptor> blobs;
  for (const json& layer : manifest["layers"]) blobs.push_back(descriptor_from_json(layer, "the manifest of " + where));
  const auto of_type = [&](const Descriptor& blob) { return blob.media_type == kind.blob_media_type; };
  const auto count = std::count_if(blobs.begin(), blobs.end(), of_type);
  if (count != 1) {
    throw Error(where + " lists " + std::to_string(count) + " blobs of type " + std::string(kind.blob_media_type) +
                ", not one: it is not " + kind.what, kind.hint);
  }
  const Descriptor wanted = *std::find_if(blobs.begin(), blobs.end(), of_type);
  if (wanted.size > kind.max_blob) {
    throw Error("the " + std::string(kind.blob_media_type) + " blob of " + where + " has " +
                std::to_string(wanted.size) + " bytes, more than the " + std::to_string(kind.max_blob) + " that " +
                kind.what + " may have", kind.hint);
  }
  fetch_blob(session, reference.repository, wanted, store, session.reporter(), where);
  return PulledArtifact{std::move(blobs), wanted.digest};
}

}  // namespace venv2docker
