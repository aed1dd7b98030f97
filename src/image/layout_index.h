// Picks an image out of an OCI layout's index.json (a layout folder, or the
// index of a docker-archive): by tag annotation, then by platform, down
// through nested indexes (platform_choice.h).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "image/image.h"
#include "image/platform.h"
#include "store/blob_store.h"

namespace venv2docker {

class Reporter;

/// Makes sure a blob named in the layout is in the store (verified), given its
/// digest and size from the descriptor that names it.
using BlobFetcher = std::function<void(const Descriptor&)>;

/// Resolves `tag` (or the only entry; entries sharing the tag, or all of
/// them when untagged, are chosen among by platform) in `index_json` to an
/// image manifest, descending into nested indexes for the platform that
/// best serves the request, checks its config against the request
/// (check_base_platform, before any layer is fetched) and returns the Image
/// with every document fetched into `store`, and every layer handed to
/// `fetch_layer` (which may leave it for later). `where` names the layout in
/// errors. Throws Error for an unknown tag, several images and no tag to
/// tell them apart, or no image for the platform.
Image resolve_layout_image(const std::string& index_json, const std::optional<std::string>& tag,
                           const PlatformRequest& platform, const BlobFetcher& fetch, const BlobFetcher& fetch_layer,
                           const BlobStore& store, const std::string& where, Reporter& reporter);

}  // namespace venv2docker
