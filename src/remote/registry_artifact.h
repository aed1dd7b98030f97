// OCI artifacts (image-spec 1.1): a manifest with its own artifactType, the
// empty config, and blobs as its layers. What venv2docker keeps in a
// registry that is not an image: the registry cache's records
// (build/registry_cache.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "image/artifact_manifest.h"
#include "image/image.h"
#include "image/reference.h"
#include "remote/registry_options.h"
#include "remote/registry_push.h"
#include "store/blob_store.h"
#include "util/reporter.h"

namespace venv2docker {

/// Pushes an artifact of `artifact_type` whose layers are `blobs` (in `store`,
/// or mountable from `mount_from`) to `destination`, as push_image pushes an
/// image. Returns what push_image returns. Throws Error as push_image does.
PushResult push_artifact(const Reference& destination, std::string_view artifact_type,
                         const std::vector<Descriptor>& blobs, const std::vector<MountSource>& mount_from,
                         const RegistryOptions& options, const BlobStore& store, Reporter& reporter);

struct PulledArtifact {
  std::vector<Descriptor> blobs;  // the manifest's layers
  Digest wanted;                  // the blob of the media type asked for, now in the store
};

/// The artifact a caller expects, and the words its errors use.
struct ArtifactKind {
  std::string_view artifact_type;
  std::string_view blob_media_type;  // of the one blob pulled
  std::uint64_t max_blob = 0;
  std::string what;  // what it is, as in "a venv2docker cache record"
  std::string hint;  // how to get a right one
};

/// Reads the artifact at `reference`: nullopt when the registry has no
/// manifest there. Otherwise the manifest (at most 4 MiB, its shape checked
/// as a base's is) must be an OCI manifest of `kind.artifact_type` with
/// exactly one layer of `kind.blob_media_type` no larger than `kind.max_blob`,
/// which is downloaded into `store`, verified by size and digest. Throws Error
/// naming the reference and what is wrong (a foreign or damaged artifact).
std::optional<PulledArtifact> pull_artifact(const Reference& reference, const ArtifactKind& kind,
                                            const RegistryOptions& options, const BlobStore& store,
                                            Reporter& reporter);

}  // namespace venv2docker
