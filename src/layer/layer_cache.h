// A cache of written layers in the blob store, so a layer whose inputs have
// not changed is reused without reading its files again.
//
// The key is like ccache's direct mode: it describes every entry by what
// lstat() says of its source (path, size, mtime, ctime, inode) or by the
// SHA-256 of its rewritten `content`, plus every option that changes the
// layer's bytes. It never reads a file's bytes. A cache record
// (store/cache_record.h) <store>/layers/<key hex>.cbor names the layer's
// blob; records are written only once the blob is committed, and a record
// whose blob is missing or has another size is ignored, so concurrent builds
// sharing one store stay correct.
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include "image/image.h"
#include "layer/key_hasher.h"
#include "layer/layer_writer.h"
#include "store/blob_store.h"
#include "store/digest.h"
#include "tar/layer_entry.h"

namespace venv2docker {

/// Adds every option that changes write_layer()'s bytes for the same entries
/// (the venv stage record keys on them too).
void add_layer_options_key(KeyHasher& key, const LayerOptions& options);

/// The cache key of the layer write_layer(entries, options) would write, or
/// nullopt when a source cannot be stat'ed (write_layer then reports it).
/// Entries are hashed in the order given (write_layer_cached sorts them first),
/// so the same entries in another order only cost a miss.
std::optional<CacheKey> layer_cache_key(const std::vector<LayerEntry>& entries, const LayerOptions& options);

/// Where the layer recorded under `key` is.
std::filesystem::path layer_record_path(const Digest& key, const BlobStore& store);

/// The layer recorded under `key`, when the record is readable and its blob is
/// in the store with the recorded size; nullopt otherwise.
std::optional<Layer> find_cached_layer(const Digest& key, const BlobStore& store);

/// Records `layer` (whose blob must already be in the store) under `key`; a
/// cache that refuses the record is ignored.
void record_cached_layer(const Digest& key, const Layer& layer, const BlobStore& store);

/// write_layer() through the cache: a hit returns the recorded layer without
/// opening any source; a miss writes the layer and records it. `reused`, when
/// given, tells which happened.
Layer write_layer_cached(std::vector<LayerEntry> entries, const LayerOptions& options, const BlobStore& store,
                         bool* reused = nullptr);

/// write_layer_cached() for several independent layers (each list only
/// read, never copied when already in sort_entries() order), two at a time when
/// there are at least two compression threads (one producer thread reads and
/// tars each layer, so a single layer cannot keep every core busy). Each layer
/// gets its share of options.threads; the bytes never depend on it. Returns
/// the layers in input order; `reused`, when given, gets one flag per layer.
/// options.progress gets the input bytes of all layers so far, from one
/// thread at a time.
std::vector<Layer> write_layers_cached(const std::vector<const std::vector<LayerEntry>*>& layers,
                                       const LayerOptions& options, const BlobStore& store,
                                       std::vector<bool>* reused = nullptr);

}  // namespace venv2docker
