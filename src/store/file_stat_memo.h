// Remembers files by their stat (size, mtime, ctime, inode, device), with an
// optional value computed from their bytes, so a rebuild can skip reading a
// file whose stat has not changed since a run that already read it (the text
// scan of relocation, the ELF headers of the compatibility checks). Stored in
// the cache folder as a cache record (store/cache_record.h) of the kind its
// owner names; losing it only costs time.
//
// A memo is keyed by the file (device and inode), not by its path: what it
// keeps is computed from the bytes alone, which a stat equal in size, mtime,
// ctime, inode and device vouches for wherever the file is linked. That keeps
// it compact: a venv's hundreds of thousands of files cost a fixed 44 bytes
// each, in memory and on disk, and no string.
//
// The record's body (versioned by the owner's kind):
//   {"files": byte string, "values": [value, ...]}
// "files" holds one 44-byte record per file, sorted by (device, inode), each
// unique: device, inode, size, mtime_ns, ctime_ns (64-bit little-endian) and
// the file's value as a 32-bit little-endian number, 0 for none (null), else
// 1 + its index in "values". A body that breaks any of these reads as an
// empty memo: every file is read again, and the next save writes a good one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

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

  // A source is named by the string a layer entry holds: callers ask once per
  // file of a venv, and with `known` given the name is not even looked at, so
  // it is not made into a std::filesystem::path (parsed and allocated) each time.

  /// True when `source` was remembered with exactly its current stat (`known`
  /// when the caller already has it, else an lstat now).
  bool unchanged(const std::string& source, const std::optional<SourceStat>& known = std::nullopt) const;
  /// The value remembered with `source`, when its stat has not changed.
  std::optional<nlohmann::json> value(const std::string& source,
                                      const std::optional<SourceStat>& known = std::nullopt) const;
  /// Remembers `source` (with `value`) at its current stat for the next run.
  /// A file changed in the last few seconds is not remembered: it may change
  /// again within the same timestamp tick.
  void remember(const std::string& source, const std::optional<SourceStat>& known = std::nullopt,
                nlohmann::json value = nullptr);
  /// Writes what this run remembered (atomically); failures are ignored.
  void save() const;

  /// True when the record at `file` was there but its body broke the format
  /// above (and was ignored).
  bool was_damaged() const { return m_damaged; }
  /// What to warn about when was_damaged(): the record, and what it costs.
  std::string damage_warning() const;

 private:
  struct FileId {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    auto operator<=>(const FileId&) const = default;
  };
  struct FileIdHash {
    std::size_t operator()(const FileId& id) const { return std::hash<std::uint64_t>()(id.inode * 31 + id.device); }
  };
  struct Remembered {
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    std::int64_t ctime_ns = 0;
    std::uint32_t value = 0;  // 0: none; else 1 + an index in its memo's values
  };
  using Previous = std::vector<std::pair<FileId, Remembered>>;

  void load(nlohmann::json& body);
  const nlohmann::json* find(const std::string& source, const std::optional<SourceStat>& known) const;
  // The next record's files in FileId order, by reference: a venv's
  // hundreds of thousands of files are not copied to be sorted.
  using NextInOrder = std::vector<const std::pair<const FileId, Remembered>*>;
  NextInOrder sorted_next() const;
  bool same_as_previous(const NextInOrder& next) const;

  std::filesystem::path m_file;
  CacheRecordKind m_kind;
  std::int64_t m_settled_before;
  bool m_damaged = false;
  Previous m_previous;  // sorted by FileId
  std::vector<nlohmann::json> m_previous_values;
  std::unordered_map<FileId, Remembered, FileIdHash> m_next;
  std::vector<nlohmann::json> m_next_values;
};

}  // namespace venv2docker
