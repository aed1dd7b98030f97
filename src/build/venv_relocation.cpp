#include "build/venv_relocation.h"

#include "compat/elf_memo.h"
#include "relocate/text_scan_memo.h"
#include "store/cache_record.h"
#include "tar/entry_order.h"

namespace venv2docker {

RelocatedVenv relocate_walked_venv(const Venv& venv, std::vector<LayerEntry> walked, RelocationParams params,
                                   const BlobStore& store, bool defer_text_scan) {
  // One memo per source and destination paths: what the scan looks for.
  const std::string memo_key = venv.root.string() + "\n" +
                               (params.project_source ? params.project_source->string() : "") + "\n" +
                               params.venv_destination + "\n" + params.project_destination;
  auto memo = std::make_unique<FileStatMemo>(cache_record_path(store.root(), "scan-memos", sha256_of(memo_key)),
                                             k_text_scan_memo);
  std::vector<std::string> cache_warnings;
  if (memo->was_damaged()) cache_warnings.push_back(memo->damage_warning());
  std::shared_ptr<DeferredTextScan> deferred;
  if (defer_text_scan) {
    deferred = std::make_shared<DeferredTextScan>(std::move(memo));
    params.deferred_text_scan = deferred.get();
    params.text_scan_memo = &deferred->memo();
  } else {
    params.text_scan_memo = memo.get();
  }
  RelocationResult relocated = relocate_venv(venv, walked, params);
  // Saved now, whatever becomes of the layers; the layer writer's verdicts are saved with them.
  params.text_scan_memo->save();
  walked.insert(walked.end(), std::make_move_iterator(relocated.extra_entries.begin()),
                std::make_move_iterator(relocated.extra_entries.end()));
  return {std::move(walked), std::move(relocated.warnings), relocated.looked_outside, std::move(cache_warnings),
          std::move(deferred)};
}

std::vector<std::string> elf_files_of(const std::vector<const std::vector<LayerEntry>*>& layers,
                                      FileStatMemo& elf_memo) {
  std::vector<std::string> files;
  for (const LayerEntry* entry : non_folders_in_order(layers)) {
    if (host_elf_of(*entry, &elf_memo).info) files.push_back(entry->source);
  }
  return files;
}

}  // namespace venv2docker
