// --python-from host: the venv's own base interpreter as a layer. Its
// executable, standard library (without site-packages) and every shared
// library it and the venv's extensions load, resolved as the loader would on
// the host, at the same absolute paths — so the venv's `home` needs no change
// and the interpreter matches exactly.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tar/layer_entry.h"
#include "venv/venv.h"

namespace venv2docker {

/// A host path the collection looked at and what it saw there (std::nullopt:
/// nothing), observed the way `check` says.
struct HostInput {
  enum class Check {
    lstat,  // the path itself: any change to it
    stat,   // links followed: any change to what it leads to
    folder  // a folder passed through: only that it is the same folder with
            // the same mode (files coming and going in /usr/bin or /tmp change nothing)
  };
  std::string path;
  Check check = Check::lstat;
  std::optional<SourceStat> stat;
  bool operator==(const HostInput&) const = default;
};

/// What `check` observes of `path` now, comparable with HostInput::stat.
std::optional<SourceStat> observe_host_input(const std::string& path, HostInput::Check check);

struct HostInterpreter {
  /// The interpreter as the image names it: <venv home>/python3.X.
  std::string executable;
  std::vector<LayerEntry> entries;
  std::vector<std::string> warnings;
  /// Everything the collection read: while each still stats the same, a new
  /// collection would give the same entries (see host_interpreter_cache.h).
  std::vector<HostInput> inputs;
};

/// <venv home>/python3.X: the interpreter the venv was made with.
std::string host_interpreter_path(const Venv& venv);

/// Collects the interpreter layer. `venv_elf_files` are the venv's own ELF
/// files (host paths), whose libraries the layer must hold too.
/// `with_minimal_root` adds what a program expects from an otherwise empty
/// image (/tmp, /etc/passwd and /etc/group with root): use it on `scratch`.
/// Throws Error naming what is missing.
HostInterpreter collect_host_interpreter(const Venv& venv, bool with_minimal_root,
                                         const std::vector<std::string>& venv_elf_files);

}  // namespace venv2docker
