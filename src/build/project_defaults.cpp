#include "build/project_defaults.h"

#include <cctype>
#include <system_error>

#include "util/lexical_path.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

// A tag holds at most 128 of [A-Za-z0-9_.-] and starts with neither '.' nor '-'.
constexpr std::size_t k_max_tag = 128;

// PEP 503's normal form, which is also a valid repository path component
// when the name is a valid distribution name.
std::string repository_name(const std::string& project_name) {
  std::string name;
  for (const char c : project_name) {
    const bool separator = c == '-' || c == '_' || c == '.';
    if (separator) {
      if (!name.empty() && name.back() != '-') name += '-';
    } else {
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  while (!name.empty() && name.back() == '-') name.pop_back();
  return name;
}

}  // namespace

std::optional<PyProject> describing_pyproject(const Venv& venv, const std::optional<fs::path>& project) {
  if (!project || !is_within(venv.root, *project)) return std::nullopt;
  return read_pyproject(*project);
}

std::string default_image_name(const Venv& venv, const std::optional<PyProject>& pyproject) {
  if (pyproject && pyproject->name && !repository_name(*pyproject->name).empty()) {
    return repository_name(*pyproject->name);
  }
  if (venv.name.starts_with(".")) return repository_name(venv.root.parent_path().filename().string());
  return venv.name;
}

std::string default_tag(const std::optional<PyProject>& pyproject) {
  if (!pyproject || !pyproject->version || pyproject->version->empty()) return "latest";
  std::string tag;
  for (const char c : pyproject->version->substr(0, k_max_tag)) {
    const bool allowed = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
    tag += allowed ? c : '-';
  }
  if (tag.front() == '.' || tag.front() == '-') tag.front() = '_';
  return tag;
}

RuntimeOptions with_project_command(RuntimeOptions runtime, const std::optional<PyProject>& pyproject,
                                    const Venv& venv, Reporter& reporter) {
  const bool told = !runtime.cmd.empty() || runtime.entrypoint || !runtime.args.empty();
  if (told || !pyproject || pyproject->scripts.empty()) return runtime;
  const std::string where = pyproject->file.string();
  if (pyproject->scripts.size() > 1) {
    reporter.detail(where + " names " + std::to_string(pyproject->scripts.size()) +
                    " console scripts; the image keeps the base's command (choose one with --cmd)");
    return runtime;
  }
  const std::string& script = pyproject->scripts.front().name;
  std::error_code error;
  if (!fs::is_regular_file(venv.root / "bin" / script, error)) {
    reporter.warning(where + " names the console script " + script + ", but the venv has no bin/" + script +
                     "; the image keeps the base's command (install the project into the venv, as pip install -e . "
                     "or uv sync does, or pass --cmd)");
    return runtime;
  }
  reporter.detail("command: " + script + " (the one console script in " + where + ")");
  runtime.cmd = {script};
  return runtime;
}

}  // namespace venv2docker
