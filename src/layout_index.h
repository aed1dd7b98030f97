// Picks an image out of an OCI index (index.json of a layout, or an image
// index blob): by tag annotation, then by platform.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "venv2docker/blob_store.h"
#include "venv2docker/image.h"

namespace venv2docker {

/// Makes sure a blob named in the layout is in the store (verified), given its
/// digest and size from the descriptor that names it.
using BlobFetcher = std::function<void(const Descriptor&)>;

inline constexpr std::size_t k_max_json_document = std::size_t{4} << 20;

/// Resolves `tag` (or the only entry) in `index_json` to an image manifest,
/// descending into nested indexes for linux/amd64, and returns the Image with
/// every blob fetched into `store`. `where` names the layout in errors.
Image resolve_layout_image(const std::string& index_json, const std::optional<std::string>& tag,
                           const BlobFetcher& fetch, const BlobStore& store, const std::string& where);

}  // namespace venv2docker
