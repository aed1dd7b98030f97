// A project's pyproject.toml as venv2docker reads it: the name, version and
// console scripts of its [project] table (PEP 621), else of [tool.poetry]
// (Poetry before 2.0), which name the image, tag it and give it its default
// command when no flag does.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace venv2docker {

struct ConsoleScript {
  std::string name;    // the command, as [project.scripts] names it
  std::string target;  // "package.module:function"
};

struct PyProject {
  std::filesystem::path file;
  std::optional<std::string> name;     // [project].name as written, else [tool.poetry].name
  std::optional<std::string> version;  // [project].version unless dynamic, else [tool.poetry].version
  std::vector<ConsoleScript> scripts;  // [project.scripts], else [tool.poetry.scripts], by name
};

/// Whether `folder` holds what makes a folder a Python project:
/// pyproject.toml, setup.py, setup.cfg or a *.egg-info (setup.py develop's).
bool is_python_project(const std::filesystem::path& folder);

/// `folder`/pyproject.toml read, or std::nullopt when there is none. Throws
/// Error naming the file, line and column when it is no TOML, and naming the
/// key when a name, version or script is not a string.
std::optional<PyProject> read_pyproject(const std::filesystem::path& folder);

/// The same from bytes (`file` names them in errors): what a fuzzer drives.
PyProject parse_pyproject(std::string_view text, const std::filesystem::path& file);

}  // namespace venv2docker
