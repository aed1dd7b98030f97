// Bytes pulled a chunk at a time from wherever they come from: a file, or a
// file whose bytes something else also sees as they pass (a blob stored and
// listed in one read). Readers that consume a stream (the gzip inflater, the
// archive reader) take a ByteSource, so they need not care where it comes from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "util/unique_fd.h"

namespace venv2docker {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  /// Up to `capacity` bytes into `buffer`; 0 only at the end. Throws Error
  /// naming the source when it cannot read.
  virtual std::size_t read(char* buffer, std::size_t capacity) = 0;
};

/// A file's bytes, at most `limit` of them: a caller that knows the size asks
/// for one more, and sees a file that is too long without reading all of it
/// (a layout's blob may be a link to /dev/zero).
class FileByteSource : public ByteSource {
 public:
  /// Opens `file`; throws Error ("cannot read `what` at FILE: reason") when
  /// it cannot.
  FileByteSource(const std::filesystem::path& file, std::uint64_t limit, std::string what);
  std::size_t read(char* buffer, std::size_t capacity) override;

 private:
  std::filesystem::path m_file;
  std::string m_what;
  UniqueFd m_fd;
  std::uint64_t m_left;
};

}  // namespace venv2docker
