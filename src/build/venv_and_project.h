// Which venv's project a build packs, and which
// build folder its default output goes to.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "util/reporter.h"
#include "venv/venv.h"

namespace venv2docker {

/// The project folder: `project` (--project), else the one the venv's
/// .project names (virtualenvwrapper), else the folder the venv is in when it
/// is a Python project (pyproject.toml, setup.py or setup.cfg: the
/// project/.venv layout of uv, poetry, pdm and hatch); none with
/// `no_project`. Throws UsageError when --project is not a folder; a .project
/// naming no folder is a warning.
std::optional<std::filesystem::path> project_folder(const std::optional<std::filesystem::path>& project,
                                                    bool no_project, const Venv& venv, Reporter& reporter);

/// `build_dir` (--build-dir), else .venv2docker in the project, else in the
/// current folder.
std::filesystem::path build_folder(const std::optional<std::filesystem::path>& build_dir,
                                   const std::optional<std::filesystem::path>& project);

}  // namespace venv2docker
