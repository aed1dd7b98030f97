// What a project's pyproject.toml gives a build where no flag says otherwise:
// the image's name ([project].name), its tag ([project].version) and its
// default command (the one console script of [project.scripts]), as uv,
// poetry, pdm and hatch projects with their venv in .venv describe them.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "build/container_settings.h"
#include "project/pyproject.h"
#include "util/reporter.h"
#include "venv/venv.h"

namespace venv2docker {

/// The pyproject.toml that describes the image: its project's, when the venv
/// lives inside that project (project/.venv). A venv kept elsewhere
/// (virtualenvwrapper's, with a .project file) keeps naming the image itself.
/// Throws Error as read_pyproject does.
std::optional<PyProject> describing_pyproject(const Venv& venv, const std::optional<std::filesystem::path>& project);

/// The image name when -n is not given: [project].name as a repository name
/// (lower case, runs of '-', '_', '.' as one '-'); else the venv's folder
/// name; but a venv named as a hidden folder (".venv") takes the name of the
/// folder it is in.
std::string default_image_name(const Venv& venv, const std::optional<PyProject>& pyproject);

/// The tag when -t is not given: [project].version with what a tag cannot
/// hold ('+' of a local version, say) as '-'; else "latest".
std::string default_tag(const std::optional<PyProject>& pyproject);

/// `runtime` with, when none of --cmd, --entrypoint and --args is given, the
/// command [project.scripts]'s one script runs, when the venv has it in bin/
/// (the project is installed in it). Several scripts, or one the venv lacks,
/// leave the base's command, with a note saying why and which flag sets one.
RuntimeOptions with_project_command(RuntimeOptions runtime, const std::optional<PyProject>& pyproject,
                                    const Venv& venv, Reporter& reporter);

}  // namespace venv2docker
