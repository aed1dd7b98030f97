// --pip's first step, before anything is pulled: pip's failures are the
// user's to fix first.
#pragma once

#include <filesystem>
#include <optional>

#include "pip/pip_layer.h"
#include "store/blob_store.h"
#include "util/reporter.h"
#include "venv/venv.h"

namespace venv2docker {

/// Installs `requirements` (--pip FILE) with the venv's pip into a staging
/// folder under the store's tmp folder, reporting what pip installed and
/// warned; nothing without --pip. Throws as stage_pip_requirements does.
std::optional<PipStaging> stage_pip(const std::optional<std::filesystem::path>& requirements, const Venv& venv,
                                    const BlobStore& store, Reporter& reporter);

}  // namespace venv2docker
