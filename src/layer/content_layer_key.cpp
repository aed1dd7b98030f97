#include "layer/content_layer_key.h"

#include "layer/key_hasher.h"
#include "layer/layer_cache.h"
#include "util/error.h"
#include "util/file_bytes.h"

namespace venv2docker {

namespace {

// Bump when what the key covers changes, so records of older code miss.
constexpr std::uint64_t k_content_key_version = 1;

std::optional<Digest> bytes_digest(const LayerEntry& entry) {
  if (entry.content) return sha256_of(*entry.content);
  Sha256 hash;
  try {
    const std::uint64_t read = stream_file(
        entry.source, entry.size + 1, [&](const char* data, std::size_t size) { hash.update(data, size); },
        "a layer's file");
    if (read != entry.size) return std::nullopt;
  } catch (const Error&) {
    return std::nullopt;  // write_layer names the file
  }
  return hash.finish();
}

}  // namespace

bool add_entries_content_key(KeyHasher& key, const std::vector<LayerEntry>& entries) {
  key.add(static_cast<std::uint64_t>(entries.size()));
  for (const LayerEntry& entry : entries) {
    key.add(entry.path);
    key.add(static_cast<std::uint64_t>(entry.kind));
    key.add(static_cast<std::uint64_t>(entry.mode));
    key.add(entry.link_target);
    if (entry.kind != EntryKind::regular) continue;
    key.add(entry.size);
    const std::optional<Digest> bytes = bytes_digest(entry);
    if (!bytes) return false;
    key.add(bytes->str());
  }
  return true;
}

std::optional<Digest> content_layer_key(const std::vector<LayerEntry>& entries, const LayerOptions& options) {
  KeyHasher key;
  key.add(k_content_key_version);
  add_layer_options_key(key, options);
  if (!add_entries_content_key(key, entries)) return std::nullopt;
  return key.finish();
}

}  // namespace venv2docker
