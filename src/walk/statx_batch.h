// statx of a folder's names all at once, through io_uring or one system call
// per name, whichever this machine runs faster. Which one that is depends on
// the machine: where a system call costs about a microsecond before it does
// anything (a PVM guest), io_uring's kernel workers run the lookups without a
// crossing each and halve a walk; where system calls are cheap, handing each
// lookup to a worker costs more than it saves; and where the inodes are not
// cached, the workers read them in parallel. So each of the first folders has
// half its names stat'ed each way, timed per name, and the faster way is kept
// (a ring that loses is closed). The answers are the same either way, and
// where io_uring is missing, refused (a seccomp profile, a sysctl) or fails,
// each name gets its own statx.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
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
  // Nanoseconds and names stat'ed one way during the trial.
  struct Timing {
    std::int64_t nanoseconds = 0;
    std::size_t names = 0;
  };

  bool ring_ready();
  bool stat_through_ring(int folder, const char* const* names, std::size_t count, unsigned mask,
                         struct statx* results, int* errors);
  std::size_t stat_all_through_ring(int folder, const char* const* names, std::size_t count, unsigned mask,
                                    struct statx* results, int* errors);
  void timed(std::chrono::steady_clock::duration through_ring, std::size_t ring_names,
             std::chrono::steady_clock::duration one_by_one, std::size_t one_by_one_names);

  struct Ring;
  std::unique_ptr<Ring> m_ring;
  bool m_ring_tried = false;
  bool m_used_ring = false;
  // Folders of the trial: enough names each way that one slow folder (a
  // preempted thread) does not decide it, few enough to cost nothing.
  static constexpr unsigned k_trial_folders = 16;
  unsigned m_trial_folders_left = k_trial_folders;  // stat'ed half one way, half the other
  Timing m_one_by_one;
  Timing m_through_ring;
};

}  // namespace venv2docker
