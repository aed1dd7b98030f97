// An image pushed to a registry.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "image/image.h"
#include "image/reference.h"
#include "remote/registry_options.h"
#include "store/blob_store.h"
#include "util/reporter.h"

namespace venv2docker {

/// Blobs a push may mount from another repository of the same registry (the
/// base's) instead of uploading them.
struct MountSource {
  Reference repository;
  std::vector<Digest> blobs;
};

struct PushResult {
  std::string reference;  // "registry/repository:tag"
  Digest digest;          // of the manifest as pushed
  unsigned uploaded = 0;  // blobs sent
  unsigned mounted = 0;   // blobs mounted from the base's repository
  unsigned existing = 0;  // blobs the registry already had
  /// The registry answered with OCI-Subject: it indexed the manifest's
  /// subject for its referrers API (distribution-spec 1.1).
  bool subject_indexed = false;
};

/// Pushes `image` (its blobs are in `store`, or in a repository of
/// `mount_from`) to `destination` (its tag, or "latest"; a digest reference
/// pushes by digest only): blobs the registry has are skipped, blobs listed
/// in `mount_from` (the base's repository, a registry cache's; those of the
/// destination's registry count) are mounted when the registry allows, the
/// rest uploaded in parallel; then the manifest. Throws Error as pull_image does.
PushResult push_image(const Image& image, const Reference& destination, const std::vector<MountSource>& mount_from,
                      const RegistryOptions& options, const BlobStore& store, Reporter& reporter);

/// Asks `destination`'s registry, with the credentials and token scopes a
/// push_image to it would use (`mount_repository`: the base's repository, as
/// in MountSource), whether they may push there (RegistrySession::check_access:
/// nothing is uploaded), so that a refused push fails before the long work of a
/// build. Throws Error as push_image does.
void check_push_access(const Reference& destination, const std::optional<Reference>& mount_repository,
                       const RegistryOptions& options, Reporter& reporter);

}  // namespace venv2docker
