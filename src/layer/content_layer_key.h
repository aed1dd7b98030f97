// A layer's key by content, the same on every machine: what the registry
// cache (build/registry_cache.h) maps to a layer another runner pushed. The
// layer cache's own key (layer_cache.h) is made of lstat fields (inode,
// ctime), which differ on every checkout, so it cannot be shared.
#pragma once

#include <optional>
#include <vector>

#include "layer/file_digests.h"
#include "layer/key_hasher.h"
#include "layer/layer_writer.h"
#include "store/digest.h"
#include "tar/layer_entry.h"

namespace venv2docker {

/// The SHA-256 of everything that decides write_layer(entries, options)'s
/// bytes: the options that change them (add_layer_options_key), and per entry
/// its image path, kind, mode, link target, size and the SHA-256 of its bytes
/// (`content`, else the source file read now, or once per build through
/// options.shared's file digests). `entries` must be sorted
/// (sort_entries), as write_layer_cached sorts them. Nullopt when a source
/// cannot be read or no longer has its listed size (the write then reports it).
std::optional<Digest> content_layer_key(const std::vector<LayerEntry>& entries, const LayerOptions& options);

/// Adds the entries' count, then per entry what content_layer_key covers of
/// it (not the options), each file hashed through `digests` (may be null) on
/// every core. False when a source cannot be read or no longer has its
/// listed size.
bool add_entries_content_key(KeyHasher& key, const std::vector<LayerEntry>& entries, FileDigests* digests);

}  // namespace venv2docker
