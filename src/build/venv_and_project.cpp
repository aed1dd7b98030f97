#include "build/venv_and_project.h"

#include "project/pyproject.h"
#include "util/error.h"

namespace venv2docker {

namespace fs = std::filesystem;

std::optional<fs::path> project_folder(const std::optional<fs::path>& project, bool no_project, const Venv& venv,
                                       Reporter& reporter) {
  if (no_project) return std::nullopt;
  if (project) {
    if (!fs::is_directory(*project)) throw UsageError("--project " + project->string() + " is not a folder");
    return fs::absolute(*project).lexically_normal();
  }
  if (venv.project) {
    if (fs::is_directory(*venv.project)) return *venv.project;
    reporter.warning((venv.root / ".project").string() + " names " + venv.project->string() +
                     ", which is not a folder; building without a project");
    return std::nullopt;
  }
  const fs::path around = venv.root.parent_path();
  if (is_python_project(around)) {
    reporter.detail("project: " + around.string() + ", the Python project the venv is in (--no-project leaves it out)");
    return around;
  }
  return std::nullopt;
}

fs::path build_folder(const std::optional<fs::path>& build_dir, const std::optional<fs::path>& project) {
  if (build_dir) return *build_dir;
  return (project ? *project : fs::current_path()) / ".venv2docker";
}

}  // namespace venv2docker
