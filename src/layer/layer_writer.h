// Writes a list of entries as one layer blob in a single streaming pass: tar
// (libarchive), gzip on every core, and both digests (diff_id of the tar,
// digest of the blob) computed on the way. Memory stays bounded by a few
// chunks per core whatever the size of the files.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "image/image.h"
#include "store/blob_store.h"
#include "tar/layer_entry.h"
#include "tar/source_date_epoch.h"

namespace venv2docker {

class SharedLayers;

struct LayerOptions {
  std::int64_t mtime = k_default_epoch;
  unsigned threads = 0;  // 0: one per core
  int level = 6;
  MediaFamily family = MediaFamily::oci;
  /// Called now and then with the number of input bytes written so far.
  std::function<void(std::uint64_t)> progress;
  /// Looked at before each entry: once true, the write stops with an Error
  /// and stores nothing. Never changes the bytes of a layer that completes.
  const std::atomic<bool>* cancelled = nullptr;
  /// Layers shared through a registry (--cache-from/--cache-to), asked and
  /// told by write_layer_cached; null without them. Never changes the bytes.
  SharedLayers* shared = nullptr;
  /// Told the whole bytes of each entry marked text_scan_pending as they go
  /// into the layer, or as they are when the layer comes from a cache
  /// (relocate/deferred_text_scan.h); called from the thread writing the
  /// layer, and several layers may be written at once. Never changes the bytes.
  std::function<void(const LayerEntry&, std::string_view)> pending_text_scan;
};

/// Writes `entries` (missing parent folders are added, order is normalised)
/// into the store. Timestamp-based .pyc files get their recorded source mtime
/// set to `options.mtime` so they stay valid next to their normalised sources.
/// Throws Error naming the file if a source cannot be read or changed size,
/// and Error when options.cancelled is set. `entries` is only read: other
/// threads may read it meanwhile.
Layer write_layer(const std::vector<LayerEntry>& entries, const LayerOptions& options, const BlobStore& store);

}  // namespace venv2docker
