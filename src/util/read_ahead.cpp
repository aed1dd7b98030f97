#include "util/read_ahead.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <new>

#include "util/sibling_opener.h"
#include "util/unique_fd.h"

namespace venv2docker {

namespace {

// Files not taken yet, at most: each costs a little beyond its bytes.
constexpr std::size_t k_max_queued_files = 4096;
// Each thread wakes the other only at these marks, not at every file: on a
// virtual machine each wake and wait is a system call, as dear as a file's
// read. The asker is woken once this many files (or half the budget) wait
// for it; the reader, once the queue has drained to half.
constexpr std::size_t k_batch = 64;
// Buffers kept for reuse, at most, and the largest kept.
constexpr std::size_t k_max_spare = 64;
constexpr std::size_t k_max_spare_capacity = 64 * 1024;

// `result.bytes` may hold a used buffer: its capacity is reused.
void read_one(SiblingOpener& opener, const ReadAheadFile& file, ReadAheadResult& result) {
  const UniqueFd fd(opener.open(*file.path));
  if (!fd) {
    result.open_error = errno;
    result.bytes.clear();
    return;
  }
  // One byte more than expected, so the read that brings the last bytes also
  // shows whether the file grew; a short read ends a regular file.
  const std::size_t want = static_cast<std::size_t>(file.size) + 1;
  result.bytes.resize(want);
  std::size_t filled = 0;
  while (filled < want) {
    const std::size_t asked = want - filled;
    const ssize_t got = ::read(fd.get(), result.bytes.data() + filled, asked);
    if (got < 0) {
      if (errno == EINTR) continue;
      result.read_error = errno;
      break;
    }
    filled += static_cast<std::size_t>(got);
    if (static_cast<std::size_t>(got) < asked) break;
  }
  result.bytes.resize(filled);
}

}  // namespace

ReadAhead::ReadAhead(std::vector<ReadAheadFile> files, std::size_t byte_budget)
    : m_files(std::move(files)), m_byte_budget(byte_budget) {
  if (!m_files.empty()) m_thread = std::thread([this] { read_all(); });
}

ReadAhead::~ReadAhead() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_taken.notify_all();
  if (m_thread.joinable()) m_thread.join();
}

void ReadAhead::read_all() {
  SiblingOpener opener(O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  for (const ReadAheadFile& file : m_files) {
    ReadAheadResult result;
    {
      std::unique_lock lock(m_mutex);
      // Room for this file: the budget, unless nothing is queued (a file
      // larger than the budget is still read, alone). Once full, the reader
      // waits for the queue to drain to half.
      const auto room = [&] {
        return m_queue.empty() ||
               (m_queue.size() < k_max_queued_files && m_queued_bytes + file.size <= m_byte_budget);
      };
      while (!m_stopping && !room()) {
        m_reader_waiting = true;
        if (m_asker_waiting) m_ready.notify_one();
        m_taken.wait(lock, [&] { return m_stopping || (drained() && room()); });
        m_reader_waiting = false;
      }
      if (m_stopping) return;
      if (!m_spare.empty()) {
        result.bytes = std::move(m_spare.back());
        m_spare.pop_back();
      }
    }
    try {
      read_one(opener, file, result);
    } catch (const std::bad_alloc&) {
      result = ReadAheadResult{{}, 0, ENOMEM};  // reported by the asker, as a failed read
    }
    std::lock_guard lock(m_mutex);
    m_queued_bytes += result.bytes.size();
    m_queue.push_back(std::move(result));
    if (m_asker_waiting && batch_ready()) m_ready.notify_one();
  }
  std::lock_guard lock(m_mutex);
  m_reader_done = true;
  m_ready.notify_one();
}

bool ReadAhead::drained() const {
  return m_queue.empty() || (m_queue.size() <= k_max_queued_files / 2 && m_queued_bytes <= m_byte_budget / 2);
}

bool ReadAhead::batch_ready() const {
  return !m_queue.empty() &&
         (m_reader_done || m_reader_waiting || m_queue.size() >= k_batch || m_queued_bytes >= m_byte_budget / 2);
}

void ReadAhead::give_back(std::string bytes) {
  if (bytes.capacity() > k_max_spare_capacity) return;
  std::lock_guard lock(m_mutex);
  if (m_spare.size() < k_max_spare) m_spare.push_back(std::move(bytes));
}

ReadAheadResult ReadAhead::next() {
  std::unique_lock lock(m_mutex);
  if (m_queue.empty()) {
    m_asker_waiting = true;
    m_ready.wait(lock, [&] { return batch_ready(); });
    m_asker_waiting = false;
  }
  ReadAheadResult result = std::move(m_queue.front());
  m_queue.pop_front();
  m_queued_bytes -= result.bytes.size();
  if (m_reader_waiting && drained()) m_taken.notify_one();
  return result;
}

}  // namespace venv2docker
