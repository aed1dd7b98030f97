#include "util/file_bytes.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "util/error.h"

namespace venv2docker {

namespace {

[[noreturn]] void throw_too_large(const std::filesystem::path& file, std::size_t max_size) {
  throw Error(file.string() + " is larger than " + std::to_string(max_size) + " bytes, the most it can hold",
              "is it the file it should be?");
}

// The bytes, or the errno that stopped the read (0 when read whole).
std::optional<std::string> read_bounded(const std::filesystem::path& file, std::size_t max_size, int& error) {
  const UniqueFd owner = open_for_reading(file);
  const int fd = owner.get();
  if (fd < 0) {
    error = errno;
    return std::nullopt;
  }
  struct stat info {};
  const bool known = ::fstat(fd, &info) == 0;
  if (known && S_ISDIR(info.st_mode)) {
    error = EISDIR;
    return std::nullopt;
  }
  const bool sized = known && S_ISREG(info.st_mode) && info.st_size > 0;
  if (sized && static_cast<std::uintmax_t>(info.st_size) > max_size) {
    throw_too_large(file, max_size);
  }
  // Read straight into the string, sized by fstat (one more byte to see the
  // end in one read); a file that grows meanwhile still ends up whole, up to
  // the bound.
  std::string bytes(sized ? static_cast<std::size_t>(info.st_size) + 1 : 4096, '\0');
  std::size_t filled = 0;
  for (;;) {
    if (filled == bytes.size()) {
      if (filled > max_size) throw_too_large(file, max_size);
      bytes.resize(std::min(bytes.size() * 2, max_size + 1));
    }
    const ssize_t got = ::read(fd, bytes.data() + filled, bytes.size() - filled);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      error = errno;
      return std::nullopt;
    }
    if (got == 0) break;
    filled += static_cast<std::size_t>(got);
  }
  if (filled > max_size) throw_too_large(file, max_size);
  bytes.resize(filled);
  error = 0;
  return bytes;
}

}  // namespace

UniqueFd open_for_reading(const std::filesystem::path& file) {
  return UniqueFd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
}

std::optional<std::string> read_file_head(const std::filesystem::path& file, std::size_t count) {
  const UniqueFd fd = open_for_reading(file);
  if (!fd) return std::nullopt;
  std::string bytes(count, '\0');
  std::size_t filled = 0;
  while (filled < count) {
    const ssize_t got = ::read(fd.get(), bytes.data() + filled, count - filled);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return std::nullopt;
    if (got == 0) break;
    filled += static_cast<std::size_t>(got);
  }
  bytes.resize(filled);
  return bytes;
}

std::uint64_t stream_file(const std::filesystem::path& file, std::uint64_t limit,
                          const std::function<void(const char*, std::size_t)>& sink, std::string_view what) {
  const UniqueFd fd = open_for_reading(file);
  auto fail = [&] { throw Error("cannot read " + std::string(what) + " at " + file.string() + ": " + std::strerror(errno)); };
  if (!fd) fail();
  // Sized by the limit and left uninitialised: callers hash thousands of
  // small files, where zeroing (and faulting in) a whole 1 MiB buffer for
  // each cost more than reading them.
  const std::size_t buffer_size = static_cast<std::size_t>(std::min<std::uint64_t>(std::uint64_t{1} << 20, limit));
  const std::unique_ptr<char[]> buffer = std::make_unique_for_overwrite<char[]>(std::max<std::size_t>(buffer_size, 1));
  std::uint64_t passed = 0;
  while (passed < limit) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buffer_size, limit - passed));
    const ssize_t got = ::read(fd.get(), buffer.get(), want);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) fail();
    if (got == 0) break;
    sink(buffer.get(), static_cast<std::size_t>(got));
    passed += static_cast<std::uint64_t>(got);
  }
  return passed;
}

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
