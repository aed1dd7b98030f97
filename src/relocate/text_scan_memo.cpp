#include "relocate/text_scan_memo.h"

namespace venv2docker {

bool looks_like_text(std::string_view bytes) {
  return bytes.substr(0, k_text_sniff_size).find('\0') == std::string_view::npos;
}

// A clean file is remembered without a value (the memo's compact common case),
// one relocation acts on with `true`.
ScanMemory recall_scan(const FileStatMemo& memo, const LayerEntry& entry) {
  const std::optional<nlohmann::json> value = memo.value(entry.source, entry.source_stat);
  if (!value) return ScanMemory::unknown;
  return value->is_null() ? ScanMemory::clean : ScanMemory::acted_on;
}

void remember_scan(FileStatMemo& memo, const LayerEntry& entry, ScanMemory verdict) {
  if (verdict == ScanMemory::unknown) return;
  memo.remember(entry.source, entry.source_stat,
                verdict == ScanMemory::acted_on ? nlohmann::json(true) : nlohmann::json(nullptr));
}

}  // namespace venv2docker
