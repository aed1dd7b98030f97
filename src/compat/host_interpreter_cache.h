// collect_host_interpreter remembered across builds. Collecting runs the
// interpreter, walks its standard library and resolves its shared libraries,
// which would dominate a rebuild where nothing changed. A record in the cache folder
// keeps the result with every host path the collection looked at and its
// stat; while each still stats the same (and the venv's ELF files are the
// same), the result is reused without running or reading anything else.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "compat/host_python.h"

namespace venv2docker {

/// True when every input still stats exactly as recorded (absent ones still absent).
bool host_inputs_unchanged(const std::vector<HostInput>& inputs);

/// collect_host_interpreter(venv, with_minimal_root, venv_elf_files) through
/// a record under `cache_folder`/interpreters. `reused`, when given, says
/// whether the record was used. A damaged or unreadable record is a miss; a
/// collection whose inputs changed in the last few seconds is not recorded.
HostInterpreter collect_host_interpreter_cached(const Venv& venv, bool with_minimal_root,
                                                const std::vector<std::string>& venv_elf_files,
                                                const std::filesystem::path& cache_folder, bool* reused = nullptr);

}  // namespace venv2docker
