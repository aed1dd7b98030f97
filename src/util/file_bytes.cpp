#include "util/file_bytes.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/error.h"

namespace venv2docker {

namespace {

[[noreturn]] void throw_too_large(const std::filesystem::path& file, std::size_t max_size) {
  throw Error(file.string() + " is larger than " + std::to_string(max_size) + " bytes, the most it can hold",
              "is it the file it should be?");
}

// The bytes, or the errno that stopped the read (0 when read whole).
std::optional<std::string> read_bounded(const std::filesystem::path& file, std::size_t max_size, int& error) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = errno;
    return std::nullopt;
  }
  struct stat info {};
  const bool known = ::fstat(fd, &info) == 0;
  if (known && S_ISDIR(info.st_mode)) {
    ::close(fd);
    error = EISDIR;
    return std::nullopt;
  }
  const bool sized = known && S_ISREG(info.st_mode) && info.st_size > 0;
  if (sized && static_cast<std::uintmax_t>(info.st_size) > max_size) {
    ::close(fd);
    throw_too_large(file, max_size);
  }
  // Read straight into the string, sized by fstat (one more byte to see the
  // end in one read); a file that grows meanwhile still ends up whole, up to
  // the bound.
  std::string bytes(sized ? static_cast<std::size_t>(info.st_size) + 1 : 4096, '\0');
  std::size_t filled = 0;
  for (;;) {
    if (filled == bytes.size()) {
      if (filled > max_size) {
        ::close(fd);
        throw_too_large(file, max_size);
      }
      bytes.resize(std::min(bytes.size() * 2, max_size + 1));
    }
    const ssize_t got = ::read(fd, bytes.data() + filled, bytes.size() - filled);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      error = errno;
      ::close(fd);
      return std::nullopt;
    }
    if (got == 0) break;
    filled += static_cast<std::size_t>(got);
  }
  ::close(fd);
  if (filled > max_size) throw_too_large(file, max_size);
  bytes.resize(filled);
  error = 0;
  return bytes;
}

}  // namespace

std::optional<std::string> read_file_bytes(const std::filesystem::path& file, std::size_t max_size) {
  int error = 0;
  return read_bounded(file, max_size, error);
}

std::string read_whole_file(const std::filesystem::path& file, std::size_t max_size, std::string_view what,
                            std::string hint) {
  int error = 0;
  std::optional<std::string> bytes = read_bounded(file, max_size, error);
  if (!bytes) {
    throw Error("cannot read " + (what.empty() ? "" : std::string(what) + " ") + file.string() + ": " +
                    std::strerror(error),
                std::move(hint));
  }
  return std::move(*bytes);
}

}  // namespace venv2docker
