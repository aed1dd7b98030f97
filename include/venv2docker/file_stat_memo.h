// Remembers files by their stat (size, mtime, ctime, inode, device), so a
// rebuild can skip reading a file whose stat has not changed since a run that
// found nothing to do in it. Stored in the cache folder; losing it only costs
// time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>

namespace venv2docker {

class FileStatMemo {
 public:
  /// Loads the memo at `file` if it exists and is readable; else starts empty.
  explicit FileStatMemo(std::filesystem::path file);

  /// True when `source` was remembered with exactly its current stat.
  bool unchanged(const std::filesystem::path& source) const;
  /// Remembers `source` with its current stat for the next run.
  void remember(const std::filesystem::path& source);
  /// Writes what this run remembered (atomically); failures are ignored.
  void save() const;

  struct Stat {
    std::uint64_t size, mtime_ns, ctime_ns, inode, device;
    bool operator==(const Stat&) const = default;
  };

 private:
  std::filesystem::path m_file;
  std::unordered_map<std::string, Stat> m_previous;
  std::unordered_map<std::string, Stat> m_next;
};

}  // namespace venv2docker
