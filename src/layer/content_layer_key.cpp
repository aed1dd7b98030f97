#include "layer/content_layer_key.h"

#include <thread>

#include "layer/key_hasher.h"
#include "layer/layer_cache.h"
#include "layer/shared_layers.h"
#include "util/parallel_jobs.h"

namespace venv2docker {

namespace {

// Bump when what the key covers changes, so records of older code miss.
constexpr std::uint64_t k_content_key_version = 1;

std::optional<Digest> bytes_digest(const LayerEntry& entry, FileDigests* digests) {
  if (entry.content) return sha256_of(*entry.content);
  if (digests && entry.source_stat && entry.source_stat->size == entry.size) {
    return digests->of(entry.source, *entry.source_stat);
  }
  return file_sha256(entry.source, entry.size);
}

}  // namespace

bool add_entries_content_key(KeyHasher& key, const std::vector<LayerEntry>& entries, FileDigests* digests) {
  // Hashed on every core first (a venv is thousands of files, read from the
  // page cache at hashing speed), then added in the entries' order.
  std::vector<std::optional<Digest>> bytes(entries.size());
  run_jobs(entries.size(), std::max(1u, std::thread::hardware_concurrency()), [&](std::size_t i) {
    if (entries[i].kind == EntryKind::regular) bytes[i] = bytes_digest(entries[i], digests);
  });
  key.add(static_cast<std::uint64_t>(entries.size()));
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const LayerEntry& entry = entries[i];
    key.add(entry.path);
    key.add(static_cast<std::uint64_t>(entry.kind));
    key.add(static_cast<std::uint64_t>(entry.mode));
    key.add(entry.link_target);
    if (entry.kind != EntryKind::regular) continue;
    key.add(entry.size);
    if (!bytes[i]) return false;
    key.add(bytes[i]->str());
  }
  return true;
}

std::optional<Digest> content_layer_key(const std::vector<LayerEntry>& entries, const LayerOptions& options) {
  KeyHasher key;
  key.add(k_content_key_version);
  add_layer_options_key(key, options);
  FileDigests* digests = options.shared ? &options.shared->file_digests() : nullptr;
  if (!add_entries_content_key(key, entries, digests)) return std::nullopt;
  return key.finish();
}

}  // namespace venv2docker
