// Cache keys made of many fields: the layer cache's and the venv stage
// record's. Each field is length-prefixed, so ("ab", "c") and ("a", "bc")
// never hash alike, and small fields are gathered before hashing, as a venv
// feeds several for each of its thousands of entries.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/digest.h"
#include "tar/layer_entry.h"

namespace venv2docker {

/// A key made of sources' stats, and whether it may be recorded.
struct CacheKey {
  Digest digest;
  /// False when some source changed less than k_settle_seconds before the key
  /// was made: what it keys may be reused from the cache but is not recorded.
  bool settled = true;
};

class KeyHasher {
 public:
  void add(std::string_view text) {
    add(static_cast<std::uint64_t>(text.size()));
    append(text);
  }
  void add(std::uint64_t number) {
    char bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(number >> (8 * i));
    append(std::string_view(bytes, sizeof bytes));
  }
  void add(std::int64_t number) { add(static_cast<std::uint64_t>(number)); }
  void add(const char* text) { add(std::string_view(text)); }
  Digest finish() {
    m_hash.update(m_pending);
    m_pending.clear();
    return m_hash.finish();
  }

 private:
  void append(std::string_view bytes) {
    m_pending.append(bytes);
    if (m_pending.size() >= k_flush_size) {
      m_hash.update(m_pending);
      m_pending.clear();
    }
  }

  static constexpr std::size_t k_flush_size = 1 << 16;
  Sha256 m_hash;
  std::string m_pending;
};

/// Adds what decides `entry`'s bytes in a layer: its path, kind and mode, its
/// link target, and for a regular file the SHA-256 of its rewritten content
/// or its source's path and lstat (the walk's, else one now). Returns false
/// when the source cannot be stat'ed. Clears `settled` when the source
/// changed at or after `settled_before` (see k_settle_seconds).
bool add_entry_key(KeyHasher& key, const LayerEntry& entry, std::int64_t settled_before, bool& settled);

/// add_entry_key() for each entry, in order, after their count.
bool add_entries_key(KeyHasher& key, const std::vector<LayerEntry>& entries, std::int64_t settled_before,
                     bool& settled);

}  // namespace venv2docker
