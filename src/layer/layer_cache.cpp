#include "layer/layer_cache.h"

#include <algorithm>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>

#include "layer/content_layer_key.h"
#include "layer/gzip_parallel.h"
#include "layer/shared_layers.h"
#include "store/cache_record.h"
#include "tar/entry_order.h"
#include "util/error.h"
#include "util/file_bytes.h"
#include "util/parallel_jobs.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

// Bump whenever write_layer's bytes change for the same entries and options
// (tar format, parent folders, .pyc patching, gzip framing): old records then
// stop matching instead of handing out layers the new code would not write.
constexpr std::uint64_t k_layer_format_version = 2;

// A record names one blob: its media type, digests and size.
constexpr CacheRecordKind k_layer_record{"layer", 3, std::size_t{64} << 10};

}  // namespace

fs::path layer_record_path(const Digest& key, const BlobStore& store) {
  return cache_record_path(store.root(), "layers", key);
}

void add_layer_options_key(KeyHasher& key, const LayerOptions& options) {
  key.add(k_layer_format_version);
  key.add(static_cast<std::uint64_t>(ParallelGzipWriter::k_chunk_size));
  key.add(options.mtime);
  key.add(static_cast<std::int64_t>(options.level));
  key.add(gzip_layer_media_type(options.family));
}

std::optional<CacheKey> layer_cache_key(const std::vector<LayerEntry>& entries, const LayerOptions& options) {
  KeyHasher key;
  add_layer_options_key(key, options);
  bool settled = true;
  if (!add_entries_key(key, entries, nanoseconds_ago(k_settle_seconds), settled)) return std::nullopt;
  return CacheKey{key.finish(), settled};
}

std::optional<Layer> find_cached_layer(const Digest& key, const BlobStore& store) {
  // Anything wrong with a record (hand-edited, its blob pruned) makes it a
  // miss, never an error: the layer is simply written again.
  const std::optional<nlohmann::json> record = read_cache_record(layer_record_path(key, store), k_layer_record);
  if (!record) return std::nullopt;
  try {
    auto digest = Digest::parse(record->at("digest").get<std::string>());
    auto diff_id = Digest::parse(record->at("diff_id").get<std::string>());
    const auto blob_size = record->at("size").get<std::uint64_t>();
    if (!digest || !diff_id || !store.has(*digest) || store.size_of(*digest) != blob_size) return std::nullopt;
    return Layer{Descriptor{record->at("media_type").get<std::string>(), *digest, blob_size, {}, std::nullopt}, *diff_id};
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

void record_cached_layer(const Digest& key, const Layer& layer, const BlobStore& store) {
  write_cache_record(layer_record_path(key, store), k_layer_record,
                     {{"media_type", layer.blob.media_type},
                      {"digest", layer.blob.digest.str()},
                      {"size", layer.blob.size},
                      {"diff_id", layer.diff_id.str()}});
}

namespace {

// A layer taken from a cache is not written, but its pending text scans
// must still be told its files' bytes.
void scan_pending_of_cached(const std::vector<LayerEntry>& entries, const LayerOptions& options) {
  if (!options.pending_text_scan) return;
  for (const LayerEntry& entry : entries) {
    if (!entry.text_scan_pending || entry.kind != EntryKind::regular) continue;
    if (entry.content) {
      options.pending_text_scan(entry, *entry.content);
      continue;
    }
    // The bytes the walk saw, as the written layer would hold them.
    const std::optional<std::string> bytes = read_file_head(entry.source, entry.size);
    if (!bytes) throw Error("cannot read " + entry.source, "check the file's permissions, or exclude it with --exclude");
    options.pending_text_scan(entry, *bytes);
  }
}

// The local cache, then the layers shared through a registry, then the write.
Layer write_layer_looked_up(const std::vector<LayerEntry>& entries, const LayerOptions& options, const BlobStore& store,
                            const std::optional<Digest>& content_key, bool* reused) {
  const std::optional<CacheKey> key = layer_cache_key(entries, options);
  std::optional<Layer> cached = key ? find_cached_layer(key->digest, store) : std::nullopt;
  if (!cached && content_key) {
    if (std::optional<SharedLayer> shared = options.shared->find(*content_key)) cached = shared->layer;
  }
  if (reused) *reused = cached.has_value();
  if (cached) {
    scan_pending_of_cached(entries, options);
    return *cached;
  }
  Layer layer = write_layer(entries, options, store);
  // write_layer has committed the blob, so a concurrent build that finds this
  // record also finds its blob.
  if (key && key->settled) record_cached_layer(key->digest, layer, store);
  return layer;
}

// write_layer_cached() of entries already in sort_entries() order.
Layer write_sorted_layer_cached(const std::vector<LayerEntry>& entries, const LayerOptions& options,
                                const BlobStore& store, bool* reused) {
  // Costs one read of the files.
  const std::optional<Digest> content_key =
      options.shared ? content_layer_key(entries, options) : std::optional<Digest>();
  Layer layer = write_layer_looked_up(entries, options, store, content_key, reused);
  if (content_key) options.shared->learn(*content_key, layer);
  return layer;
}

}  // namespace

Layer write_layer_cached(std::vector<LayerEntry> entries, const LayerOptions& options, const BlobStore& store,
                         bool* reused) {
  sort_entries(entries);
  return write_sorted_layer_cached(entries, options, store, reused);
}

std::vector<Layer> write_layers_cached(const std::vector<const std::vector<LayerEntry>*>& layers,
                                       const LayerOptions& options, const BlobStore& store,
                                       std::vector<bool>* reused) {
  const unsigned threads = options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  const unsigned writers = std::min<std::size_t>(threads >= 2 ? 2 : 1, std::max<std::size_t>(layers.size(), 1));
  // Every layer may compress on every core: when one layer ends first (a venv
  // is often one large layer and a few small ones), the other still has them
  // all, and the bytes never depend on the thread count.
  LayerOptions each = options;
  each.threads = threads;
  // Progress is the sum over all layers, reported by one thread at a time.
  std::mutex progress_mutex;
  std::vector<std::uint64_t> done(layers.size(), 0);
  std::uint64_t total_done = 0;
  auto progress_of = [&](std::size_t i) -> std::function<void(std::uint64_t)> {
    if (!options.progress) return nullptr;
    return [&, i](std::uint64_t bytes) {
      std::lock_guard lock(progress_mutex);
      total_done += bytes - done[i];
      done[i] = bytes;
      options.progress(total_done);
    };
  };

  // Largest first, so the last layer to finish is a small one.
  std::vector<std::size_t> order(layers.size());
  std::vector<std::uint64_t> bytes(layers.size(), 0);
  for (std::size_t i = 0; i < layers.size(); ++i) {
    order[i] = i;
    for (const auto& entry : *layers[i]) bytes[i] += entry.content ? entry.content->size() : entry.size;
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return bytes[a] > bytes[b]; });

  std::vector<std::optional<Layer>> results(layers.size());
  std::vector<char> hits(layers.size(), 0);
  run_jobs(order.size(), writers, [&](std::size_t n) {
    const std::size_t i = order[n];
    bool hit = false;
    LayerOptions mine = each;
    mine.progress = progress_of(i);
    const std::vector<LayerEntry>& entries = *layers[i];
    if (std::is_sorted(entries.begin(), entries.end(), entry_path_less)) {
      results[i] = write_sorted_layer_cached(entries, mine, store, &hit);
    } else {
      results[i] = write_layer_cached(entries, mine, store, &hit);
    }
    hits[i] = hit;
  });

  std::vector<Layer> written;
  for (auto& layer : results) written.push_back(std::move(*layer));
  if (reused) reused->assign(hits.begin(), hits.end());
  return written;
}

}  // namespace venv2docker
