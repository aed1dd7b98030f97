// The ELF headers of host files listed for a layer, remembered by stat: a
// rebuild opens none of the venv's unchanged shared objects and executables
// (the compatibility checks and the interpreter's library closure read them).
#pragma once

#include <optional>

#include "compat/elf.h"
#include "store/file_stat_memo.h"
#include "tar/layer_entry.h"

namespace venv2docker {

/// The memo's kind: bump the version when ElfInfo or its encoding changes.
inline constexpr CacheRecordKind k_elf_memo{"elf-memo", 6, std::size_t{256} << 20};

/// The ELF reading of a regular entry's host source: nothing when it is not
/// an ELF file (or has rewritten content), else its information or its
/// problem. Uses and fills `memo` when given (a problem is remembered too, so
/// a rebuild warns again). Throws Error naming the file when it cannot be read.
ElfReading host_elf_of(const LayerEntry& entry, FileStatMemo* memo);

}  // namespace venv2docker
