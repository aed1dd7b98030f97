#include "util/byte_channel.h"

#include <algorithm>
#include <cstring>

#include "util/error.h"

namespace venv2docker {

void ByteChannel::write(const char* data, std::size_t size) {
  if (size == 0) return;
  std::unique_lock lock(m_mutex);
  if (!m_reader_stopped && m_queued >= k_capacity) {
    m_writer_waiting = true;
    m_changed.wait(lock, [&] { return m_reader_stopped || m_queued < k_capacity; });
    m_writer_waiting = false;
  }
  if (m_reader_stopped) return;
  // Small writes (a download's) join the last chunk: fewer chunks to hand over.
  if (!m_chunks.empty() && m_chunks.back().size() < k_chunk) {
    m_chunks.back().append(data, size);
  } else {
    m_chunks.emplace_back(data, size);
  }
  m_queued += size;
  // Woken only when it waits: a download's many small writes cost no wake-up each.
  if (m_reader_waiting) m_changed.notify_all();
}

void ByteChannel::close() {
  std::lock_guard lock(m_mutex);
  m_closed = true;
  m_changed.notify_all();
}

void ByteChannel::abandon(const std::string& why) {
  std::lock_guard lock(m_mutex);
  m_abandoned = why.empty() ? "the bytes stopped coming" : why;
  m_closed = true;
  m_changed.notify_all();
}

std::size_t ByteChannel::read(char* buffer, std::size_t capacity) {
  std::unique_lock lock(m_mutex);
  if (m_chunks.empty() && !m_closed) {
    m_reader_waiting = true;
    m_changed.wait(lock, [&] { return !m_chunks.empty() || m_closed; });
    m_reader_waiting = false;
  }
  if (!m_abandoned.empty()) throw Error(m_abandoned);
  if (m_chunks.empty()) return 0;
  const std::string& front = m_chunks.front();
  const std::size_t count = std::min(capacity, front.size() - m_offset);
  std::memcpy(buffer, front.data() + m_offset, count);
  m_offset += count;
  m_queued -= count;
  if (m_offset == front.size()) {
    m_chunks.pop_front();
    m_offset = 0;
  }
  if (m_writer_waiting) m_changed.notify_all();
  return count;
}

void ByteChannel::stop_reading() {
  std::lock_guard lock(m_mutex);
  m_reader_stopped = true;
  m_chunks.clear();
  m_queued = 0;
  m_changed.notify_all();
}

}  // namespace venv2docker
