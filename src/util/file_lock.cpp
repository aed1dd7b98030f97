#include "util/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "util/cancellation.h"
#include "util/error.h"

namespace venv2docker {

FileLock::FileLock(const std::filesystem::path& lock_file)
    : m_fd(::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
  if (!m_fd) {
    throw Error("cannot create the lock file " + lock_file.string() + ": " + std::strerror(errno),
                "check that its folder is writable");
  }
  // Polled rather than blocking, so a signal can cancel the wait.
  while (::flock(m_fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      throw Error("cannot lock " + lock_file.string() + ": " + std::strerror(errno));
    }
    throw_if_cancelled();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace venv2docker
