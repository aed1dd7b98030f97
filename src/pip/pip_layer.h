// --pip FILE: the requirements installed with the venv's own pip into a
// staging prefix, then relocated like the venv into one more layer.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "relocate/relocate.h"
#include "tar/layer_entry.h"
#include "util/temporary_path.h"
#include "venv/installed_distributions.h"
#include "venv/venv.h"

namespace venv2docker {

/// The staging folder pip installed into; removed when this is destroyed
/// (after the layer is written, or on any error).
struct PipStaging {
  std::filesystem::path requirements;
  std::unique_ptr<ScratchFolder> folder;
  /// What pip installed; empty when the venv already satisfied every requirement.
  std::vector<Distribution> installed;
  /// pip's warnings, one per line, for the user to see.
  std::vector<std::string> pip_warnings;

  std::filesystem::path prefix() const { return folder->path() / "prefix"; }
};

/// Installs `requirements` with the venv's pip into a fresh folder under
/// `scratch`. Throws UsageError when the file does not exist; Error when the
/// venv has no pip, pip fails (with what it printed), or a requirement would
/// put a second version of a distribution the venv already has in the image.
PipStaging stage_pip_requirements(const Venv& venv, const std::filesystem::path& requirements,
                                  const std::filesystem::path& scratch);

/// The staged files as they go into the image under params.venv_destination,
/// relocated by the venv's own rules (`warnings` gets what the walk and the
/// relocation report).
std::vector<LayerEntry> pip_layer_entries(const PipStaging& staging, const Venv& venv, RelocationParams params,
                                          std::vector<std::string>& warnings);

/// "name 1.0, other 2.3" for messages and the layer's history.
std::string describe_distributions(const std::vector<Distribution>& distributions);

}  // namespace venv2docker
