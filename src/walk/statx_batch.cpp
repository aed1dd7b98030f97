#include "walk/statx_batch.h"

#include <liburing.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

namespace venv2docker {

namespace {

// Names in flight at once: a folder of a venv holds tens to hundreds.
constexpr unsigned k_ring_depth = 256;
// A folder with fewer names is stat'ed one by one: a walk of a small tree
// then never pays for setting up a ring.
constexpr std::size_t k_smallest_batch = 16;

void stat_each(int folder, const char* const* names, std::size_t count, unsigned mask, struct statx* results,
               int* errors) {
  for (std::size_t i = 0; i < count; ++i) {
    errors[i] = ::statx(folder, names[i], AT_SYMLINK_NOFOLLOW, mask, &results[i]) == 0 ? 0 : errno;
  }
}

}  // namespace

struct StatxBatch::Ring {
  // Only ever made from a ring set up: closing one that is not would close
  // whatever file descriptor its zeroed fields name.
  explicit Ring(const io_uring& opened) : ring(opened) {}
  io_uring ring;
  // Where the kernel writes the answers: the ring's own, as a request it has
  // not answered yet may still write after a failure.
  struct statx answers[k_ring_depth];
  ~Ring() { io_uring_queue_exit(&ring); }
};

StatxBatch::StatxBatch() = default;
StatxBatch::~StatxBatch() = default;

void StatxBatch::stat(int folder, const std::vector<const char*>& names, unsigned mask,
                      std::vector<struct statx>& results, std::vector<int>& errors) {
  results.resize(names.size());
  errors.resize(names.size());
  if (names.size() < k_smallest_batch || !ring_ready()) {
    stat_each(folder, names.data(), names.size(), mask, results.data(), errors.data());
    return;
  }
  // Past the trial the ring is here only if it was the faster (else it was closed).
  if (m_trial_folders_left == 0) {
    const std::size_t done =
        stat_all_through_ring(folder, names.data(), names.size(), mask, results.data(), errors.data());
    stat_each(folder, names.data() + done, names.size() - done, mask, results.data() + done, errors.data() + done);
    return;
  }
  // A trial folder: half its names each way, the ring's half first in every
  // other folder, so both ways meet the same folders, cold or warm alike.
  const std::size_t half = names.size() / 2;
  const bool ring_first = m_trial_folders_left % 2 == 0;
  const std::size_t ring_begin = ring_first ? 0 : half;
  const std::size_t ring_count = ring_first ? half : names.size() - half;
  const std::size_t other_begin = ring_first ? half : 0;
  const std::size_t other_count = names.size() - ring_count;
  const auto stat_other_half = [&] {
    const auto start = std::chrono::steady_clock::now();
    stat_each(folder, names.data() + other_begin, other_count, mask, results.data() + other_begin,
              errors.data() + other_begin);
    return std::chrono::steady_clock::now() - start;
  };
  std::chrono::steady_clock::duration one_by_one{};
  if (!ring_first) one_by_one = stat_other_half();
  const auto start = std::chrono::steady_clock::now();
  const std::size_t done = stat_all_through_ring(folder, names.data() + ring_begin, ring_count, mask,
                                                 results.data() + ring_begin, errors.data() + ring_begin);
  const auto through_ring = std::chrono::steady_clock::now() - start;
  // A ring that failed part way is gone (ring_ready() says so from now on):
  // the rest of its half is asked one by one, and the trial is over.
  stat_each(folder, names.data() + ring_begin + done, ring_count - done, mask, results.data() + ring_begin + done,
            errors.data() + ring_begin + done);
  if (ring_first) one_by_one = stat_other_half();
  if (done == ring_count) timed(through_ring, ring_count, one_by_one, other_count);
}

// Stats `count` names through the ring, up to k_ring_depth at a time; returns
// how many it answered, all of them unless the ring failed (then it is let
// go, and the caller asks the rest one by one).
std::size_t StatxBatch::stat_all_through_ring(int folder, const char* const* names, std::size_t count, unsigned mask,
                                              struct statx* results, int* errors) {
  std::size_t done = 0;
  while (done < count) {
    const std::size_t batch = std::min<std::size_t>(count - done, k_ring_depth);
    if (!stat_through_ring(folder, names + done, batch, mask, results + done, errors + done)) {
      // The ring is let go without closing it: a request still in flight
      // then writes into memory no one else uses.
      static_cast<void>(m_ring.release());
      break;
    }
    done += batch;
    m_used_ring = true;
  }
  return done;
}

// One trial folder's times, each way; the last one decides. The first is not
// counted: the ring's first batch also starts the kernel's workers.
void StatxBatch::timed(std::chrono::steady_clock::duration through_ring, std::size_t ring_names,
                       std::chrono::steady_clock::duration one_by_one, std::size_t one_by_one_names) {
  if (m_trial_folders_left-- < k_trial_folders) {
    m_through_ring.nanoseconds += std::chrono::duration_cast<std::chrono::nanoseconds>(through_ring).count();
    m_through_ring.names += ring_names;
    m_one_by_one.nanoseconds += std::chrono::duration_cast<std::chrono::nanoseconds>(one_by_one).count();
    m_one_by_one.names += one_by_one_names;
  }
  if (m_trial_folders_left > 0) return;
  // Per name, cross-multiplied.
  const bool ring_faster = static_cast<double>(m_through_ring.nanoseconds) * static_cast<double>(m_one_by_one.names) <
                           static_cast<double>(m_one_by_one.nanoseconds) * static_cast<double>(m_through_ring.names);
  // No request is in flight between folders: the ring closes cleanly.
  if (!ring_faster) m_ring.reset();
}

// A ring, if this kernel gives one that runs statx.
bool StatxBatch::ring_ready() {
  if (m_ring_tried) return m_ring != nullptr;
  m_ring_tried = true;
  io_uring opened{};
  if (io_uring_queue_init(k_ring_depth, &opened, 0) != 0) return false;
  auto ring = std::make_unique<Ring>(opened);
  io_uring_probe* probe = io_uring_get_probe_ring(&ring->ring);
  const bool statx_supported = probe && io_uring_opcode_supported(probe, IORING_OP_STATX);
  if (probe) io_uring_free_probe(probe);
  if (statx_supported) m_ring = std::move(ring);
  return m_ring != nullptr;
}

// Stats `count` names (at most k_ring_depth) through the ring; false when the
// ring failed before every name was answered (then none of its answers is
// kept, and the ring must not be used again).
bool StatxBatch::stat_through_ring(int folder, const char* const* names, std::size_t count, unsigned mask,
                                   struct statx* results, int* errors) {
  io_uring* ring = &m_ring->ring;
  for (std::size_t i = 0; i < count; ++i) {
    io_uring_sqe* sqe = io_uring_get_sqe(ring);
    if (!sqe) return false;
    io_uring_prep_statx(sqe, folder, names[i], AT_SYMLINK_NOFOLLOW, mask, &m_ring->answers[i]);
    io_uring_sqe_set_data64(sqe, i);
  }
  int submitted = io_uring_submit(ring);
  if (submitted != static_cast<int>(count)) return false;
  for (std::size_t answered = 0; answered < count;) {
    io_uring_cqe* cqe = nullptr;
    const int waited = io_uring_wait_cqe(ring, &cqe);
    // A signal (SIGINT, SIGTERM: cancellation) only interrupts the wait.
    if (waited == -EINTR) continue;
    if (waited != 0) return false;
    const std::size_t i = static_cast<std::size_t>(io_uring_cqe_get_data64(cqe));
    if (i < count) {
      errors[i] = cqe->res < 0 ? -cqe->res : 0;
      results[i] = m_ring->answers[i];
    }
    io_uring_cqe_seen(ring, cqe);
    ++answered;
  }
  // A failed request is asked again by itself: the ring has failures of its
  // own (a worker it could not start, a request cancelled), which must never
  // pass for the file's.
  for (std::size_t i = 0; i < count; ++i) {
    if (errors[i] != 0) stat_each(folder, names + i, 1, mask, results + i, errors + i);
  }
  return true;
}

}  // namespace venv2docker
