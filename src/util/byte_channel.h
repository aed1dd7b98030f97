// Bytes handed from one thread to another as they arrive: a download's
// chunks, read on the other side as a ByteSource (the file index lists a
// layer while it downloads). Bounded, so a slow reader slows the writer
// rather than holding a layer in memory; and either side may stop early: a
// reader that stops (a tar's end, an error) makes later writes no-ops, and a
// writer that abandons makes the reader's next read throw.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>

#include "util/byte_source.h"

namespace venv2docker {

class ByteChannel : public ByteSource {
 public:
  /// Writer side: waits while `capacity` bytes are queued; drops the bytes
  /// once the reader has stopped.
  void write(const char* data, std::size_t size);
  /// Writer side: no more bytes; the reader sees the end.
  void close();
  /// Writer side: the bytes will not all come (a failed download); the
  /// reader's next read throws Error saying `why`.
  void abandon(const std::string& why);

  /// Reader side: the next bytes, waiting for them; 0 at the end.
  std::size_t read(char* buffer, std::size_t capacity) override;
  /// Reader side: reads no more; writes from now on are dropped.
  void stop_reading();

 private:
  static constexpr std::size_t k_capacity = std::size_t{8} << 20;
  static constexpr std::size_t k_chunk = std::size_t{256} << 10;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<std::string> m_chunks;
  std::size_t m_offset = 0;  // read from the front chunk
  std::size_t m_queued = 0;
  bool m_closed = false;
  bool m_reader_stopped = false;
  bool m_reader_waiting = false;
  bool m_writer_waiting = false;
  std::string m_abandoned;
};

}  // namespace venv2docker
