// Finds shared libraries the way the glibc loader does: DT_RPATH (when there
// is no DT_RUNPATH), DT_RUNPATH, then the system folders of ld.so.conf and the
// built-in defaults, with $ORIGIN expanded. The file system is abstract so the
// same rules run against the host and against an image's file index.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "compat/elf.h"

namespace venv2docker {

/// Says whether `path` names a loadable file in the file system searched.
using FileExists = std::function<bool(const std::string& path)>;
/// Reads a small text file (ld.so.conf), std::nullopt when absent.
using ReadText = std::function<std::optional<std::string>(const std::string& path)>;
/// Lists the files matching a glob pattern (ld.so.conf `include` lines).
using GlobFiles = std::function<std::vector<std::string>(const std::string& pattern)>;

/// The system folders: ld.so.conf (with includes) then the loader's defaults.
std::vector<std::string> system_library_dirs(const ReadText& read_text, const GlobFiles& glob_files);

/// The path the loader would open for `needed`, asked for by an object in
/// folder `origin` with dynamic info `from`; std::nullopt when not found.
std::optional<std::string> find_library(const std::string& needed, const ElfInfo& from, const std::string& origin,
                                        const std::vector<std::string>& system_dirs, const FileExists& exists);

}  // namespace venv2docker
