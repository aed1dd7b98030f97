// What relocation's text scan (relocate_text.cpp) and its deferred half
// (deferred_text_scan.h) share: when bytes are text, and what the scan's memo
// remembers of a file.
#pragma once

#include <cstddef>
#include <string_view>

#include "store/file_stat_memo.h"
#include "tar/layer_entry.h"

namespace venv2docker {

/// The text scan's memo: per file, whether relocation acts on it. Bump the
/// version when the scan looks for more.
inline constexpr CacheRecordKind k_text_scan_memo{"text-scan-memo", 6, std::size_t{256} << 20};

/// Bytes are text when the start holds no NUL, as git and grep decide.
inline constexpr std::size_t k_text_sniff_size = 8192;
bool looks_like_text(std::string_view bytes);

/// What the memo says of a host file at its current stat.
enum class ScanMemory {
  unknown,   // never scanned at this stat: read it
  clean,     // names no old path: nothing to do
  acted_on,  // relocation rewrote it or warned about it: read it first again
};
ScanMemory recall_scan(const FileStatMemo& memo, const LayerEntry& entry);
void remember_scan(FileStatMemo& memo, const LayerEntry& entry, ScanMemory verdict);

}  // namespace venv2docker
