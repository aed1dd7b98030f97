// Pushing: every blob (HEAD, mount, or upload; in parallel) unless the
// destination holds the manifest already, then the manifest under its tag
// with its exact media type.
#include <algorithm>
#include <atomic>

#include "remote/manifest_upload.h"
#include "remote/registry_blobs.h"
#include "remote/registry_push.h"
#include "remote/registry_session.h"
#include "util/parallel_jobs.h"

namespace venv2docker {

namespace {

// Whether a push to `destination` may mount from `source`: another
// repository of the same registry.
bool mountable_from(const Reference& destination, const Reference& source) {
  return source.registry == destination.registry && source.repository != destination.repository;
}

// One set for the access check and the push, so that both ask the token
// service the same question. The push scope goes first: some registries read
// only the first scope.
ScopeSet push_scopes(const Reference& destination, const std::vector<Reference>& mount_sources) {
  ScopeSet scopes;
  scopes.add(push_scope(destination.repository));
  for (const Reference& source : mount_sources) {
    if (mountable_from(destination, source)) scopes.add(pull_scope(source.repository));
  }
  return scopes;
}

// Whether `repository` already holds a manifest of `digest`: a registry takes
// a manifest only once it holds every blob the manifest names, so then no
// blob needs its own HEAD (a rebuild that changed nothing sends one request
// instead of one per layer).
bool holds_manifest(RegistrySession& session, const std::string& repository, const Digest& digest,
                    const std::string& media_type) {
  RegistryRequest request;
  request.method = "HEAD";
  request.target = "/v2/" + repository + "/manifests/" + digest.str();
  request.headers = {"Accept: " + media_type};
  return session.send(request).status == 200;
}

}  // namespace

PushResult push_image(const Image& image, const Reference& destination, const std::vector<MountSource>& mount_from,
                      const RegistryOptions& options, const BlobStore& store, Reporter& reporter) {
  std::string where = destination.familiar();
  std::vector<const MountSource*> sources;  // on the destination's registry
  std::vector<Reference> repositories;
  for (const MountSource& source : mount_from) {
    if (!mountable_from(destination, source.repository)) continue;
    sources.push_back(&source);
    repositories.push_back(source.repository);
  }
  const ScopeSet scopes = push_scopes(destination, repositories);
  auto mountable = [&](const Descriptor& blob) {
    for (const MountSource* source : sources) {
      if (std::find(source->blobs.begin(), source->blobs.end(), blob.digest) != source->blobs.end()) {
        return source->repository.repository;
      }
    }
    return std::string{};
  };
  RegistrySession session(destination, scopes, options, reporter, "pushing " + where);
  SharedReporter& shared = session.reporter();

  std::vector<Descriptor> blobs;
  Descriptor config = descriptor_from_json(image.manifest["config"], "the manifest to push");
  blobs.push_back(config);
  for (const auto& layer : image.layers) {
    bool listed = std::any_of(blobs.begin(), blobs.end(), [&](const Descriptor& d) { return d.digest == layer.blob.digest; });
    if (!listed) blobs.push_back(layer.blob);
  }
  std::string media_type = image.manifest.contains("mediaType") && image.manifest["mediaType"].is_string()
                               ? image.manifest["mediaType"].get<std::string>()
                               : std::string(manifest_media_type(image.family));
  Digest digest = image.manifest_digest();
  std::atomic<unsigned> counts[3] = {0, 0, 0};
  if (holds_manifest(session, destination.repository, digest, media_type)) {
    counts[static_cast<int>(BlobPush::existed)] = static_cast<unsigned>(blobs.size());
  } else {
    run_jobs(blobs.size(), options.parallelism, [&](std::size_t i) {
      BlobPush how = push_blob(session, destination.repository, mountable(blobs[i]), blobs[i], store, shared,
                               std::max(1u, options.attempts));
      ++counts[static_cast<int>(how)];
    });
    shared.end_progress();
  }

  std::string target = destination.digest ? destination.digest->str() : destination.tag_or_latest();
  if (destination.digest && *destination.digest != digest) {
    throw Error("cannot push to " + destination.full() + ": the image's digest is " + digest.str());
  }
  const HttpResponse response = put_manifest(session, destination, target, image.raw_manifest, media_type, digest, where);
  shared.detail(where + ": " + std::to_string(counts[2]) + " blobs uploaded, " + std::to_string(counts[1]) +
                " mounted, " + std::to_string(counts[0]) + " already there");
  PushResult result{destination.name() + ":" + target, digest};
  result.uploaded = counts[2];
  result.mounted = counts[1];
  result.existing = counts[0];
  result.subject_indexed = response.headers.get("oci-subject").has_value();
  if (destination.digest) result.reference = destination.name() + "@" + target;
  return result;
}

void check_push_access(const Reference& destination, const std::optional<Reference>& mount_repository,
                       const RegistryOptions& options, Reporter& reporter) {
  std::vector<Reference> sources;
  if (mount_repository) sources.push_back(*mount_repository);
  RegistrySession session(destination, push_scopes(destination, sources), options, reporter,
                          "checking push access to " + destination.familiar());
  session.check_access(destination.repository, "push");
}

}  // namespace venv2docker
