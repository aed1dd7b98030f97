// --python-from host's collection (host_python.h) as a registry cache record
// holds it (build/registry_cache.h): the interpreter's entries with the
// SHA-256 of each file, and every host path the collection looked at with
// what it saw there, by content rather than by lstat, since inodes and times
// differ on every runner. A fresh runner whose host shows the same gets the
// collection without running the interpreter, walking its standard library
// or resolving its libraries: it stats each path, lists each walked folder
// and hashes each file, and the hashes are the ones the interpreter's stage
// and layer keys need anyway (layer/file_digests.h).
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "compat/host_python.h"
#include "layer/file_digests.h"

namespace venv2docker {

/// `host` (as collected here, its inputs observed now) by content: the
/// paths, one digest of what they showed, the entries; nullopt when one of
/// its files cannot be read whole, or a file it packs is not among the
/// paths it looked at.
std::optional<nlohmann::json> host_interpreter_content(const HostInterpreter& host, FileDigests& digests);

/// The collection `recorded` (host_interpreter_content's) describes, when it
/// is of that shape, names `executable` and this host shows every path it
/// lists as it was seen (absent ones still absent, each folder the collection
/// walked holding the same names, each file the same bytes); nullopt
/// otherwise, never an error. Its inputs are empty: it was not collected here.
std::optional<HostInterpreter> verified_host_interpreter(const nlohmann::json& recorded,
                                                         const std::string& executable, FileDigests& digests);

}  // namespace venv2docker
