// A base layer that is not in the store yet, listed as it gets there rather
// than read back afterwards: a blob of an OCI layout copied into the store and
// listed in one read (each chunk hashed, written and inflated as it passes),
// or only hashed and listed where it is when no image will be written; and a
// registry's layer listed while it downloads. Nothing unverified is trusted:
// a listing is kept only once the bytes match the layer's digest and size.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "image/image.h"
#include "layer/content_selection.h"
#include "layer/file_index.h"
#include "layer/layer_listing.h"
#include "store/blob_store.h"
#include "util/byte_tap.h"

namespace venv2docker {

/// Reads `file` (the blob `layer` names, verified by digest and size) once:
/// copies it into `store` when `use` is stored, and returns its listing, with
/// the bytes of the files `contents` selects; a listing already cached is
/// reused, and the file then only copied (or not read at all). Throws Error
/// naming `file.what` and its path when its bytes are not the layer's (then
/// nothing is stored or cached from it, and a tar or gzip error its wrong
/// bytes caused is not the one reported), or as list_members does when the
/// layer's own bytes are no readable tar.
LayerListing list_local_layer(const Descriptor& layer, const LayerFile& file, const ContentSelection& contents,
                              const BlobStore& store, LocalLayerUse use, const ReadWatch& watch);

/// A tap (util/byte_tap.h) that lists the layer `layer` from the bytes of a
/// download, on a thread of its own, and caches the listing when told the
/// bytes were verified; nothing when the download failed, or when they are no
/// readable tar (the file index then reads the stored blob and says why).
/// nullptr when a listing for `contents` is cached already.
std::unique_ptr<ByteTap> listing_tap(const Descriptor& layer, const ContentSelection& contents, const BlobStore& store);

}  // namespace venv2docker
