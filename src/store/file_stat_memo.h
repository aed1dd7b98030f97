// Remembers files by their stat (size, mtime, ctime, inode, device), with an
// optional value computed from their bytes, so a rebuild can skip reading a
// file whose stat has not changed since a run that already read it (the text
// scan of relocation, the ELF headers of the compatibility checks). Stored in
// the cache folder as a cache record (store/cache_record.h) of the kind its
// owner names; losing it only costs time.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "store/cache_record.h"
#include "store/source_stat.h"

namespace venv2docker {

class FileStatMemo {
 public:
  /// Loads the memo at `file` if it is a record of `kind`; else starts empty.
  /// `kind` names what the values mean, and its version changes with them or
  /// with the memo's own layout.
  FileStatMemo(std::filesystem::path file, const CacheRecordKind& kind);

  /// True when `source` was remembered with exactly its current stat (`known`
  /// when the caller already has it, else an lstat now).
  bool unchanged(const std::filesystem::path& source, const std::optional<SourceStat>& known = std::nullopt) const;
  /// The value remembered with `source`, when its stat has not changed.
  std::optional<nlohmann::json> value(const std::filesystem::path& source,
                                      const std::optional<SourceStat>& known = std::nullopt) const;
  /// Remembers `source` (with `value`) at its current stat for the next run.
  /// A file changed in the last few seconds is not remembered: it may change
  /// again within the same timestamp tick.
  void remember(const std::filesystem::path& source, const std::optional<SourceStat>& known = std::nullopt,
                nlohmann::json value = nullptr);
  /// Writes what this run remembered (atomically); failures are ignored.
  void save() const;

 private:
  struct Remembered {
    SourceStat stat;
    nlohmann::json value;
    bool operator==(const Remembered&) const = default;
  };
  const Remembered* find(const std::filesystem::path& source, const std::optional<SourceStat>& known) const;

  std::filesystem::path m_file;
  CacheRecordKind m_kind;
  std::int64_t m_settled_before;
  std::unordered_map<std::string, Remembered> m_previous;
  std::unordered_map<std::string, Remembered> m_next;
};

}  // namespace venv2docker
