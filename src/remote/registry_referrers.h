// Referrers in a registry (distribution-spec 1.1): an artifact pushed with
// the image as its subject is found through GET /v2/NAME/referrers/DIGEST
// where the registry has that API, and otherwise through the referrers tag
// schema: an image index tagged sha256-<hex of the subject> that lists them.
#pragma once

#include <string>

#include "image/image.h"
#include "image/reference.h"
#include "remote/registry_options.h"
#include "remote/registry_push.h"
#include "store/blob_store.h"
#include "util/reporter.h"

namespace venv2docker {

/// The tag the referrers tag schema lists `subject`'s referrers under: "sha256-<hex>".
std::string referrers_tag(const Digest& subject);

/// Pushes `artifact` (its subject a manifest in `repository`, its blobs in
/// `store`) by digest. When the registry does not answer that it indexed
/// the subject (no OCI-Subject header), adds the artifact to the subject's
/// referrers tag index, keeping the entries others put there. Returns the
/// artifact's push. Throws Error as push_image does, or naming the
/// referrers index when the registry holds something else under its tag.
PushResult attach_referrer(const Image& artifact, const Digest& subject, const Reference& repository,
                           const RegistryOptions& options, const BlobStore& store, Reporter& reporter);

}  // namespace venv2docker
