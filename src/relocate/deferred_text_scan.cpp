#include "relocate/deferred_text_scan.h"

#include "relocate/text_scan_memo.h"

namespace venv2docker {

DeferredTextScan::DeferredTextScan(std::unique_ptr<FileStatMemo> memo) : m_memo(std::move(memo)) {}

void DeferredTextScan::check(const LayerEntry& entry, std::string_view bytes) {
  const bool acted_on = looks_like_text(bytes) && m_stale.find_in(bytes);
  std::lock_guard lock(m_mutex);
  remember_scan(*m_memo, entry, acted_on ? ScanMemory::acted_on : ScanMemory::clean);
  if (acted_on && !m_lost_on) m_lost_on = entry.source;
}

std::optional<std::string> DeferredTextScan::lost_on() const {
  std::lock_guard lock(m_mutex);
  return m_lost_on;
}

void DeferredTextScan::save_memo() const {
  std::lock_guard lock(m_mutex);
  m_memo->save();
}

}  // namespace venv2docker
