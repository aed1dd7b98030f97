// A base layer that is not in the store yet (a blob of an OCI layout), copied
// into it and listed in one read: each chunk is hashed, written to the store
// and inflated as it passes, instead of being copied and hashed first and
// read again to be listed. Nothing unverified is trusted: the listing is kept
// only once the bytes match the layer's digest and size.
#pragma once

#include <filesystem>
#include <string>

#include "image/image.h"
#include "layer/content_selection.h"
#include "layer/file_index.h"
#include "layer/layer_listing.h"
#include "store/blob_store.h"

namespace venv2docker {

/// Copies `file` into `store` as the blob `layer` names (verified by digest and
/// size) and returns its listing, with the bytes of the files `contents`
/// selects; a listing already cached is reused and the file only copied.
/// Throws Error naming `what` and `file` when its bytes are not the layer's
/// (then nothing is stored or cached from it, and a tar or gzip error its
/// wrong bytes caused is not the one reported), or as list_members does when
/// the layer's own bytes are no readable tar.
LayerListing import_and_list_layer(const Descriptor& layer, const std::filesystem::path& file, const std::string& what,
                                   const ContentSelection& contents, const BlobStore& store, const ReadWatch& watch);

}  // namespace venv2docker
