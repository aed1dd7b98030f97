// The one way venv2docker reads archives: base layers (any tar dialect, any
// compression), docker-archives, .deb files (ar) and the tars inside them,
// and compressed apt indexes (raw). Names come back as the archive's bytes,
// in every locale (see name_charset.h); every libarchive status is looked at,
// and nothing stops silently on a warning.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

struct archive;

namespace venv2docker {
class ByteSource;
class InflatingThread;
}

namespace venv2docker {

/// The most members one archive may hold (a layer, a .deb's data, a
/// docker-archive): many times the largest real layers, and a bound on the
/// memory a listing takes. next() throws Error naming the archive past it.
inline constexpr std::uint64_t k_max_archive_members = std::uint64_t{1} << 20;

enum class ArchiveFormat {
  tar,  // ustar, GNU, pax and their old forms, compressed or not
  ar,   // a .deb's outer container
  raw,  // one compressed file (Packages.gz, Packages.xz)
};

struct ArchiveMember {
  enum class Kind { regular, directory, symlink, hardlink, other };
  std::string path;  // exactly as stored: "./usr/bin/", "caf\xc3\xa9"
  Kind kind = Kind::regular;
  std::string link_target;  // symlink: its target; hardlink: the member it names
  std::uint64_t size = 0;   // bytes of data that follow (a hardlink's is usually 0)
  std::uint32_t mode = 0;   // permission bits and set-id/sticky
};

class ArchiveReader {
 public:
  /// Opens `file`. `what` names the archive in errors ("layer sha256:… of the
  /// base image"). A gzip file is inflated by GzipInflater (tar/gzip_inflater.h)
  /// on a thread of its own (tar/inflating_thread.h), never by libarchive's
  /// slower zlib filter. Throws Error when it cannot be opened.
  ArchiveReader(const std::filesystem::path& file, ArchiveFormat format, std::string what);
  /// Reads what `source` gives (which must outlive the reader), gzip or not,
  /// as it comes: no seeking, every byte pulled once.
  ArchiveReader(ByteSource& source, ArchiveFormat format, std::string what);
  /// Reads the member `outer` is on (a .deb's data.tar.xz) as an archive of
  /// its own, streamed, without a temporary file.
  ArchiveReader(ArchiveReader& outer, ArchiveFormat format, std::string what);
  ~ArchiveReader();
  ArchiveReader(const ArchiveReader&) = delete;
  ArchiveReader& operator=(const ArchiveReader&) = delete;

  /// The next member, or std::nullopt at the end. Throws Error naming the
  /// archive when it is damaged, truncated or not of `format`.
  std::optional<ArchiveMember> next();

  /// Hands each block of the current member's data to `consume`, in order.
  void for_each_block(const std::function<void(const char*, std::size_t)>& consume);
  /// The current member's data, refused (Error naming `what`) beyond `cap` bytes.
  std::string read_all(std::size_t cap, const std::string& what);

  const std::string& what() const { return m_what; }

 private:
  struct Outer;
  struct Input;
  static long read_inflated(archive*, void* client, const void** block);
  static long read_plain(archive*, void* client, const void** block);
  [[noreturn]] void fail(const std::string& doing);
  void opened(int status);

  std::string m_what;
  std::uint64_t m_members = 0;
  std::unique_ptr<Outer> m_outer;  // set when reading another reader's member
  std::unique_ptr<ByteSource> m_file;  // set when reading a gzip file by name
  std::unique_ptr<Input> m_input;  // set when reading a gzip file or a ByteSource
  std::unique_ptr<InflatingThread> m_inflater;  // set when reading a gzip file
  std::exception_ptr m_failure;  // the inflater's error, carried across libarchive
  archive* m_archive;
};

}  // namespace venv2docker
