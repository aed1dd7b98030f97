// A base layer that is not in the store yet, listed as it gets there rather
// than read back afterwards: a blob of an OCI layout copied into the store and
// listed in one read (each chunk hashed, written and inflated as it passes),
// and a registry's layer listed while it downloads. Nothing unverified is
// trusted: a listing is kept only once the bytes match the layer's digest and size.
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

/// Copies `file` into `store` as the blob `layer` names (verified by digest and
/// size) and returns its listing, with the bytes of the files `contents`
/// selects; a listing already cached is reused and the file only copied.
/// Throws Error naming `what` and `file` when its bytes are not the layer's
/// (then nothing is stored or cached from it, and a tar or gzip error its
/// wrong bytes caused is not the one reported), or as list_members does when
/// the layer's own bytes are no readable tar.
LayerListing import_and_list_layer(const Descriptor& layer, const std::filesystem::path& file, const std::string& what,
                                   const ContentSelection& contents, const BlobStore& store, const ReadWatch& watch);

/// A tap (util/byte_tap.h) that lists the layer `layer` from the bytes of a
/// download, on a thread of its own, and caches the listing when told the
/// bytes were verified; nothing when the download failed, or when they are no
/// readable tar (the file index then reads the stored blob and says why).
/// nullptr when a listing for `contents` is cached already.
std::unique_ptr<ByteTap> listing_tap(const Descriptor& layer, const ContentSelection& contents, const BlobStore& store);

}  // namespace venv2docker
