// statx of a folder's names all at once. Through io_uring where the kernel
// allows it: its own workers then run the lookups, and the walk pays one
// system call per batch instead of one per name, which on a virtual machine
// whose every system call is costly is most of a no-change rebuild's time.
// Where io_uring is missing, refused (a seccomp profile, a sysctl) or fails,
// each name gets its own statx: the answers are the same.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>

#include <memory>
#include <vector>

namespace venv2docker {

class StatxBatch {
 public:
  StatxBatch();
  ~StatxBatch();
  StatxBatch(const StatxBatch&) = delete;
  StatxBatch& operator=(const StatxBatch&) = delete;

  /// Stats each of `names` relative to the folder open as `folder`, without
  /// following a symlink, asking for `mask`: `results[i]` and `errors[i]` (0,
  /// or the errno statx gave) for `names[i]`. Never throws for a name.
  void stat(int folder, const std::vector<const char*>& names, unsigned mask, std::vector<struct statx>& results,
            std::vector<int>& errors);

  /// Whether some names were answered through io_uring.
  bool used_ring() const { return m_used_ring; }

 private:
  bool ring_ready();
  bool stat_through_ring(int folder, const char* const* names, std::size_t count, unsigned mask,
                         struct statx* results, int* errors);

  struct Ring;
  std::unique_ptr<Ring> m_ring;
  bool m_ring_tried = false;
  bool m_used_ring = false;
};

}  // namespace venv2docker
