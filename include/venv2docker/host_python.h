// --python-from host: the venv's own base interpreter as a layer. Its
// executable, standard library (without site-packages) and every shared
// library it and the venv's extensions load, resolved as the loader would on
// the host, at the same absolute paths — so the venv's `home` needs no change
// and the interpreter matches exactly.
#pragma once

#include <string>
#include <vector>

#include "venv2docker/layer_entry.h"
#include "venv2docker/venv.h"

namespace venv2docker {

struct HostInterpreter {
  /// The interpreter as the image names it: <venv home>/python3.X.
  std::string executable;
  std::vector<LayerEntry> entries;
  std::vector<std::string> warnings;
};

/// Collects the interpreter layer. `with_minimal_root` adds what a program
/// expects from an otherwise empty image (/tmp, /etc/passwd and /etc/group
/// with root): use it on `scratch`. Throws Error naming what is missing.
HostInterpreter collect_host_interpreter(const Venv& venv, bool with_minimal_root);

}  // namespace venv2docker
