#include "util/byte_source.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "util/error.h"
#include "util/file_bytes.h"

namespace venv2docker {

FileByteSource::FileByteSource(const std::filesystem::path& file, std::uint64_t limit, std::string what)
    : m_file(file), m_what(std::move(what)), m_fd(open_for_reading(file)), m_left(limit) {
  if (!m_fd) throw Error("cannot read " + m_what + " at " + m_file.string() + ": " + std::strerror(errno));
}

std::size_t FileByteSource::read(char* buffer, std::size_t capacity) {
  const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(capacity, m_left));
  if (want == 0) return 0;
  for (;;) {
    const ssize_t got = ::read(m_fd.get(), buffer, want);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw Error("cannot read " + m_what + " at " + m_file.string() + ": " + std::strerror(errno));
    m_left -= static_cast<std::uint64_t>(got);
    return static_cast<std::size_t>(got);
  }
}

}  // namespace venv2docker
