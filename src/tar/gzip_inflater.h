// A gzip file inflated as a stream with ISA-L's igzip, which decodes several
// times faster than zlib (libarchive's own gzip filter): base layers are
// read for the file index at the speed of the disk rather than of zlib.
// Registry layers are usually one member, so whole-buffer decoders
// (libdeflate) cannot stream them; every member of a multi-member file
// (pigz --independent, concatenated gzips, our own layers) is read in turn.
#pragma once

#include <isa-l/igzip_lib.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "util/byte_source.h"

namespace venv2docker {

/// True when `head` (a file's first bytes) starts like a gzip member.
bool is_gzip_magic(std::string_view head);

class GzipInflater : public ByteSource {
 public:
  /// Inflates what `source` gives (which must outlive the inflater). `what`
  /// names it in errors ("layer sha256:… of the base image").
  GzipInflater(ByteSource& source, std::string what);
  ~GzipInflater();
  GzipInflater(const GzipInflater&) = delete;
  GzipInflater& operator=(const GzipInflater&) = delete;

  /// Inflates the next bytes straight into `buffer`, up to `capacity`; 0 only
  /// at the end. Throws Error naming `what` when the data is not gzip, is
  /// corrupt (a bad block or checksum) or ends inside a member.
  std::size_t read(char* buffer, std::size_t capacity) override;

 private:
  bool fill_input();
  bool start_member();
  [[noreturn]] void fail(const std::string& why) const;

  std::string m_what;
  ByteSource& m_source;
  std::unique_ptr<inflate_state> m_state;
  std::unique_ptr<unsigned char[]> m_in;
  bool m_started = false;  // a member was found: the file is gzip
  bool m_in_member = false;
  bool m_input_ended = false;
};

}  // namespace venv2docker
