// The half of relocation's text scan that the layer writer runs. When the
// scan memo does not know a file, relocation marks it
// LayerEntry::text_scan_pending instead of reading it, betting that it names
// no old path, as nearly every file of a venv does; the layer writer hands
// check() its bytes as it writes them (LayerOptions::pending_text_scan), so a
// cold build reads each file once, not once to scan and once to pack.
//
// A file that does name one (relocation would have rewritten it or warned)
// loses the bet: the layers were written for entries that are not final, and
// the venv stage relocates again with every file the memo does not vouch for
// read first (build/venv_stage.cpp). check() remembers every verdict, so that
// second relocation reads only the files that lost, and later builds read
// them first, never betting on them again.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "relocate/path_map.h"
#include "store/file_stat_memo.h"
#include "tar/layer_entry.h"

namespace venv2docker {

class DeferredTextScan {
 public:
  /// Keeps `memo`, the text scan's (text_scan_memo.h), until save_memo().
  explicit DeferredTextScan(std::unique_ptr<FileStatMemo> memo);

  /// For relocation, before any check(): the memo it consults and fills.
  FileStatMemo& memo() { return *m_memo; }
  /// Set by relocation before any check(): the host folders the image does
  /// not have at those paths. A file whose text names one is a file
  /// relocation acts on (it rewrites or warns about exactly those).
  void look_for(PathMap stale) { m_stale = std::move(stale); }

  /// `bytes`, the whole of pending `entry` as it goes into the layer:
  /// remembers whether relocation acts on it. Called from every layer
  /// writer's thread at once.
  void check(const LayerEntry& entry, std::string_view bytes);

  /// The host file of the first entry check() found an old path in, if any.
  std::optional<std::string> lost_on() const;

  /// Writes the memo with this build's verdicts; failures are ignored.
  void save_memo() const;

 private:
  std::unique_ptr<FileStatMemo> m_memo;
  PathMap m_stale;
  mutable std::mutex m_mutex;  // guards the memo and m_lost_on during check()
  std::optional<std::string> m_lost_on;
};

}  // namespace venv2docker
