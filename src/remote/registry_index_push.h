// An image index pushed to a registry: each platform's image by its digest,
// then the index under the tag, so the tag never names an index whose
// manifests the registry lacks.
#pragma once

#include <vector>

#include "image/image_index.h"
#include "image/reference.h"
#include "remote/registry_options.h"
#include "remote/registry_push.h"
#include "store/blob_store.h"
#include "util/reporter.h"

namespace venv2docker {

/// Pushes every image of `index` as push_image does (blobs shared by several
/// images are found already there after the first), each by digest only,
/// then the index to `destination` (its tag, or "latest"; a digest reference
/// pushes by digest only). Returns the index's digest and the blob counts of
/// all images together. Throws Error as push_image does.
PushResult push_index(const ImageIndex& index, const Reference& destination, const std::vector<MountSource>& mount_from,
                      const RegistryOptions& options, const BlobStore& store, Reporter& reporter);

}  // namespace venv2docker
