// The member list of one layer (names, kinds, modes, and the bytes of the few
// files the checks read), cached in the blob store by layer digest: a layer's
// digest fixes its contents, so a base is read once, not on every build. The
// record names the ContentSelection it kept bytes for; another selection
// lists the layer again.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <optional>

#include <nlohmann/json.hpp>

#include "layer/content_selection.h"
#include "layer/file_index.h"
#include "store/blob_store.h"

namespace venv2docker {

class ArchiveReader;

using LayerListing = std::vector<std::pair<std::string, IndexedFile>>;

/// Lists the layer blob `digest` (gzip or plain tar) from `store`, with the
/// bytes of the files `contents` selects, from the cache when present. Throws
/// Error naming the layer when it is not a tar, or once watch.cancelled is set.
LayerListing read_layer_listing(const Digest& digest, const ContentSelection& contents, const BlobStore& store,
                                const ReadWatch& watch = {});

/// The members `reader` (a layer's tar) holds, with the bytes of the files
/// `contents` selects. Throws Error naming the reader's archive when it is not
/// a tar, or once watch.cancelled is set.
LayerListing list_members(ArchiveReader& reader, const ContentSelection& contents, const ReadWatch& watch);

/// The listing cached for layer `digest` with `contents`' selection, when there is one.
std::optional<LayerListing> cached_layer_listing(const Digest& digest, const ContentSelection& contents,
                                                 const BlobStore& store);

/// Whether a listing record of layer `digest` is in the cache: one lstat, no
/// read (an older or damaged record is still a miss when read).
bool listing_record_exists(const Digest& digest, const BlobStore& store);

/// Caches `listing` as that of layer `digest` (only ever of verified bytes).
void keep_layer_listing(const Digest& digest, const LayerListing& listing, const ContentSelection& contents,
                        const BlobStore& store);

/// The body of the listing cached for layer `digest` with `contents`'
/// selection, as it is kept (for a registry cache record), when there is one.
std::optional<nlohmann::json> cached_listing_body(const Digest& digest, const ContentSelection& contents,
                                                  const BlobStore& store);

/// Keeps `body` (from cached_listing_body on another machine) as the listing
/// of layer `digest`, when it decodes as one for `contents`: that layer need
/// not be read here then. Returns whether it was kept.
bool adopt_listing_body(const Digest& digest, const nlohmann::json& body, const ContentSelection& contents,
                        const BlobStore& store);

/// Throws Error naming `where` (a layer, the layers up to one) when the
/// selected files' `bytes` pass k_max_selected_bytes.
void require_selected_bytes_within(std::uint64_t bytes, const std::string& where);

}  // namespace venv2docker
