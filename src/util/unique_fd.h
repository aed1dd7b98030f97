// A file descriptor that closes itself: every early return and throw between
// open and the last read leaves nothing open.
// Header only.
#pragma once

#include <unistd.h>

#include <utility>

namespace venv2docker {

class UniqueFd {
 public:
  /// Takes ownership of `fd` (negative: owns nothing, as after a failed open).
  explicit UniqueFd(int fd = -1) : m_fd(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      close();
      m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { close(); }

  int get() const { return m_fd; }
  explicit operator bool() const { return m_fd >= 0; }
  /// Closes now (a close error is not reported: every owner only reads).
  void close() {
    if (m_fd >= 0) ::close(std::exchange(m_fd, -1));
  }

 private:
  int m_fd;
};

}  // namespace venv2docker
