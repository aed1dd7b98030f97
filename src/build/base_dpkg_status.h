// The base image's dpkg status file, which the SBOM lists packages from. It is
// kept in the cache by the base's manifest digest: a rebuild whose venv stage
// is recorded reads none of the base's files, and a changed project file (a
// new image, so a new SBOM) must not make it read them only for this one file.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "image/image.h"
#include "layer/file_index.h"
#include "store/blob_store.h"

namespace venv2docker {

/// The content of /var/lib/dpkg/status in `base` (std::nullopt when the base
/// has none), from the cache, else from `base_files()`, then kept there.
std::optional<std::string> base_dpkg_status(const Image& base, const std::function<const FileIndex&()>& base_files,
                                            const BlobStore& store);

}  // namespace venv2docker
