#include "tar/inflating_thread.h"

namespace venv2docker {

InflatingThread::InflatingThread(ByteSource& compressed, std::string what)
    : m_inflater(compressed, std::move(what)), m_thread([this] { inflate(); }) {}

InflatingThread::~InflatingThread() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_changed.notify_all();
  m_thread.join();
}

void InflatingThread::inflate() {
  try {
    for (;;) {
      std::size_t slot;
      {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return m_stopping || m_filled - m_released < k_blocks; });
        if (m_stopping) return;
        slot = m_filled % k_blocks;
      }
      // The slot is free: the reader released it, and only this thread fills it.
      if (!m_blocks[slot]) m_blocks[slot] = std::make_unique<char[]>(k_block_size);
      const std::size_t got = m_inflater.read(m_blocks[slot].get(), k_block_size);
      {
        std::lock_guard lock(m_mutex);
        if (got == 0) {
          m_ended = true;
        } else {
          m_sizes[slot] = got;
          ++m_filled;
        }
      }
      m_changed.notify_all();
      if (got == 0) return;
    }
  } catch (...) {
    {
      std::lock_guard lock(m_mutex);
      m_failure = std::current_exception();
      m_ended = true;
    }
    m_changed.notify_all();
  }
}

std::string_view InflatingThread::next() {
  std::unique_lock lock(m_mutex);
  // The block handed out last is done with: libarchive asks for the next
  // only once it has copied what it keeps of the last.
  if (m_released < m_handed) {
    ++m_released;
    m_changed.notify_all();
  }
  m_changed.wait(lock, [&] { return m_handed < m_filled || m_ended; });
  if (m_handed == m_filled) {
    if (m_failure) std::rethrow_exception(m_failure);
    return {};
  }
  const std::size_t slot = m_handed++ % k_blocks;
  return {m_blocks[slot].get(), m_sizes[slot]};
}

}  // namespace venv2docker
