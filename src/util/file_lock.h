// An exclusive flock(2) on a lock file, held while the object lives: runs that
// update one shared thing (an OCI layout) take turns. The lock file is left in
// place when released: removing it would let a waiting run lock a file that
// a newer run no longer sees.
#pragma once

#include <filesystem>

#include "util/unique_fd.h"

namespace venv2docker {

class FileLock {
 public:
  /// Creates `lock_file` if needed and waits for the lock (a SIGINT or
  /// SIGTERM still cancels the wait). Throws Error naming `lock_file`.
  explicit FileLock(const std::filesystem::path& lock_file);

 private:
  UniqueFd m_fd;
};

}  // namespace venv2docker
