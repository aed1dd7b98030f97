// The one way venv2docker writes a tar: layers and docker-archives. ustar
// headers, with pax records only where a name, link or size needs one (a
// long or non-ASCII name), no atime/ctime, no padding beyond the end blocks:
// the same entries always give the same bytes. Names are written as bytes
// (see name_charset.h for the one rule on names that are not UTF-8).
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <string>

#include "tar/layer_entry.h"

struct archive;

namespace venv2docker {

struct TarHeader {
  std::string path;  // no leading '/'; a folder's trailing '/' is added
  EntryKind kind = EntryKind::regular;
  std::uint32_t mode = 0644;
  std::string link_target;  // symlinks
  std::uint64_t size = 0;   // regular files: the bytes write_data will be given
  std::int64_t mtime = 0;
};

class TarWriter {
 public:
  /// Where the tar's bytes go, in order. An exception thrown by `sink`
  /// reaches the caller of the TarWriter call that caused it.
  using Sink = std::function<void(const void* data, std::size_t size)>;

  /// `what` names the tar in errors ("a layer", "/out/app.tar").
  TarWriter(Sink sink, std::string what);
  ~TarWriter();
  TarWriter(const TarWriter&) = delete;
  TarWriter& operator=(const TarWriter&) = delete;

  /// Starts a member, owned by root. Throws Error naming the member, also
  /// when its name is a whiteout (.wh.*): venv2docker writes none.
  void add_header(const TarHeader& header);
  /// The data of the current regular member, in any number of pieces.
  void write_data(const void* data, std::size_t size, const std::string& path);
  /// Writes the end-of-archive blocks.
  void finish();

 private:
  static long write_callback(archive*, void* client, const void* buffer, std::size_t length);
  [[noreturn]] void fail(const std::string& doing);

  Sink m_sink;
  std::string m_what;
  std::exception_ptr m_failure;
  archive* m_archive;
};

}  // namespace venv2docker
