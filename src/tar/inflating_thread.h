// A gzip stream inflated on a thread of its own, a few blocks ahead of its
// reader. Inflating a base layer takes most of a core; parsing its tar takes
// a fraction of another, so the two run side by side and reading a layer
// costs about what inflating it alone costs. Blocks are handed over, not
// copied, and at most k_blocks of them are held: a layer is never in memory.
#pragma once

#include <array>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "tar/gzip_inflater.h"

namespace venv2docker {

class InflatingThread {
 public:
  /// Starts inflating what `compressed` gives (read only by the new thread
  /// from now on, and it must outlive this object). `what` names it in errors.
  InflatingThread(ByteSource& compressed, std::string what);
  /// Tells the thread to stop and joins it. The thread stops after the block
  /// it is inflating, which may wait for `compressed` to give more bytes or
  /// end: a ByteChannel's writer must go on writing, close or abandon.
  ~InflatingThread();
  InflatingThread(const InflatingThread&) = delete;
  InflatingThread& operator=(const InflatingThread&) = delete;

  /// The next inflated block, valid until the next call; empty at the end.
  /// Rethrows, after the blocks inflated before it, the error that stopped
  /// the inflater (corrupt data, a source that failed, a cancelled run).
  std::string_view next();

 private:
  static constexpr std::size_t k_blocks = 4;
  // Large enough that libarchive asks for few blocks, small enough to stay in cache.
  static constexpr std::size_t k_block_size = std::size_t{1} << 20;

  void inflate();

  GzipInflater m_inflater;
  std::array<std::unique_ptr<char[]>, k_blocks> m_blocks;
  std::array<std::size_t, k_blocks> m_sizes{};
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::size_t m_filled = 0;    // blocks inflated so far; block i is m_blocks[i % k_blocks]
  std::size_t m_released = 0;  // blocks the reader is done with, free to fill again
  std::size_t m_handed = 0;    // blocks handed to the reader
  bool m_ended = false;        // the inflater returned its last block, or failed
  bool m_stopping = false;
  std::exception_ptr m_failure;
  std::thread m_thread;  // last: it starts once the rest is ready
};

}  // namespace venv2docker
