// A layer listing's entries packed into one byte string, as its cache record
// keeps them. A base's listing holds tens of thousands of members, read on
// every build that uses the base: as CBOR arrays of byte strings they cost a
// document tree of hundreds of thousands of values, built and freed before
// the index could use them; packed, they are read straight into the listing.
//
// Each entry, integers little-endian: kind (1 byte), flags (1 byte: 1 a hard
// link, 2 content kept), mode (4), size (8), then byte strings each as a
// 4-byte length and its bytes: the path, the link target, the hard link's
// target (with flag 1) and the content (with flag 2).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "layer/file_index.h"
#include "layer/layer_listing.h"

namespace venv2docker {

/// `listing`'s entries, packed.
std::string pack_listing(const LayerListing& listing);

/// The entries `table` packs; std::nullopt when it is not such a table
/// (truncated, an unknown kind or flag, bytes left over): the record is then
/// a miss, never a misread.
std::optional<LayerListing> unpack_listing(std::string_view table);

}  // namespace venv2docker
