// --load: the image streamed to the Docker daemon as a docker-archive.
#pragma once

#include <string>
#include <vector>

#include "build/output_targets.h"
#include "image/image.h"
#include "image/reference.h"
#include "store/blob_store.h"
#include "util/reporter.h"

namespace venv2docker {

/// Loads `image` (named `name`) into the daemon at DOCKER_HOST (else the
/// default socket), from a docker-archive among `written` if there is one,
/// else from a temporary one in the store's tmp folder, removed however this
/// returns. Returns what the daemon says it loaded; throws Error when no
/// daemon answers or it refuses the image.
std::string load_into_docker(const Image& image, const Reference& name, const std::vector<WrittenOutput>& written,
                             const BlobStore& store, Reporter& reporter);

}  // namespace venv2docker
