#include "layer/key_hasher.h"

namespace venv2docker {

bool add_entry_key(KeyHasher& key, const LayerEntry& entry, std::int64_t settled_before, bool& settled) {
  key.add(entry.path);
  key.add(static_cast<std::uint64_t>(entry.kind));
  key.add(static_cast<std::uint64_t>(entry.mode));
  switch (entry.kind) {
    case EntryKind::directory:
      break;
    case EntryKind::symlink:
      key.add(entry.link_target);
      break;
    case EntryKind::regular: {
      if (entry.content) {
        key.add("content");
        key.add(sha256_of(*entry.content).str());
        break;
      }
      const std::optional<SourceStat> stat = entry.source_stat ? entry.source_stat : lstat_source(entry.source);
      if (!stat) return false;
      key.add("source");
      key.add(entry.source);
      key.add(entry.size);
      key.add(stat->size);
      key.add(stat->mtime_ns);
      key.add(stat->ctime_ns);
      key.add(stat->inode);
      if (changed_since(*stat, settled_before)) settled = false;
      break;
    }
  }
  return true;
}

bool add_entries_key(KeyHasher& key, const std::vector<LayerEntry>& entries, std::int64_t settled_before,
                     bool& settled) {
  key.add(static_cast<std::uint64_t>(entries.size()));
  for (const LayerEntry& entry : entries) {
    if (!add_entry_key(key, entry, settled_before, settled)) return false;
  }
  return true;
}

}  // namespace venv2docker
