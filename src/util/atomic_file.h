// Outputs appear whole or not at all: everything is written beside its final
// name (under a temporary_sibling name, so a killed run's leftovers are swept
// by the next) and renamed into place on commit(), then the folder is synced.
// Destruction without commit() removes the temporary, so an error or an
// interrupted run leaves the old output intact.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string_view>

namespace venv2docker {

class AtomicFile {
 public:
  /// Creates a unique temporary file next to `destination`. Throws Error.
  explicit AtomicFile(std::filesystem::path destination);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  /// Throws Error naming the destination when the disk refuses the bytes, or
  /// when SIGINT or SIGTERM cancelled the run (util/cancellation.h).
  void write(const void* data, std::size_t size);
  void write(std::string_view bytes) { write(bytes.data(), bytes.size()); }
  /// Flushes, closes and renames over the destination. Throws Error.
  void commit();
  /// As commit(), but renames to `destination` (same folder's file system)
  /// instead: for files whose name is known only once written (blobs).
  void commit_as(const std::filesystem::path& destination);

  const std::filesystem::path& destination() const { return m_destination; }

 private:
  static constexpr std::uint64_t k_writeback_step = std::uint64_t{8} << 20;
  void start_writeback();

  std::filesystem::path m_destination;
  std::filesystem::path m_temporary;
  std::FILE* m_file = nullptr;
  std::uint64_t m_written = 0;
  std::uint64_t m_written_back = 0;  // the disk was told to write everything before this
};

/// A folder built aside and swapped into place on commit() with no moment
/// without one: renameat2 RENAME_EXCHANGE swaps it with the old folder, which
/// is deleted afterwards, or RENAME_NOREPLACE moves it in when there is none.
class AtomicDirectory {
 public:
  explicit AtomicDirectory(std::filesystem::path destination);
  ~AtomicDirectory();
  AtomicDirectory(const AtomicDirectory&) = delete;
  AtomicDirectory& operator=(const AtomicDirectory&) = delete;

  /// Where to write the new contents.
  const std::filesystem::path& path() const { return m_temporary; }
  /// Throws Error naming the destination when the swap fails.
  void commit();

 private:
  std::filesystem::path m_destination;
  std::filesystem::path m_temporary;
  bool m_committed = false;
};

/// Writes `bytes` to `destination` atomically.
void write_file_atomically(const std::filesystem::path& destination, std::string_view bytes);

}  // namespace venv2docker
