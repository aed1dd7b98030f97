// The walked venv moved to its image path (relocate/relocate.h), as the one
// list of entries that its layers (once split), the interpreter's library
// closure and the checks all read.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "relocate/deferred_text_scan.h"
#include "relocate/relocate.h"
#include "store/blob_store.h"
#include "store/file_stat_memo.h"
#include "tar/layer_entry.h"
#include "venv/venv.h"

namespace venv2docker {

struct RelocatedVenv {
  /// The venv as it will be in the image, editable sources copied in
  /// included.
  std::vector<LayerEntry> entries;
  std::vector<std::string> warnings;
  /// Relocation read host folders outside the walk (see RelocationResult).
  bool looked_outside = false;
  /// Cache records found damaged (and ignored): for this build's output only,
  /// never a recorded warning of the stage.
  std::vector<std::string> cache_warnings;
  /// With defer_text_scan: the scan left to the layer writer, which owns the
  /// scan memo (saved with relocation's verdicts, to be saved again with the
  /// writer's by save_memo()); null otherwise.
  std::shared_ptr<DeferredTextScan> deferred_text_scan;
};

/// Relocates `walked` (walk_tree of the venv) with `params`, with a text-scan
/// memo in the store that lets a rebuild skip the text files it scanned
/// before. With `defer_text_scan`, the files the memo does not know are left
/// to the layer writer (relocate/deferred_text_scan.h). Throws Error as
/// relocate_venv does.
RelocatedVenv relocate_walked_venv(const Venv& venv, std::vector<LayerEntry> walked, RelocationParams params,
                                   const BlobStore& store, bool defer_text_scan);

/// The host paths of the ELF files among the entries of `layers` (the venv's,
/// in which folders may repeat), in sort_entries() order of their image
/// paths, which the interpreter's library closure must cover.
std::vector<std::string> elf_files_of(const std::vector<const std::vector<LayerEntry>*>& layers,
                                      FileStatMemo& elf_memo);

}  // namespace venv2docker
