#include "venv/venv.h"

#include <cstdlib>
#include <regex>
#include <system_error>
#include <vector>

#include "util/error.h"
#include "util/file_bytes.h"
#include "util/lexical_path.h"
#include "util/text_util.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

// pyvenv.cfg and .project are a few lines each.
constexpr std::size_t k_max_venv_settings = std::size_t{1} << 20;

std::string read_settings_file(const fs::path& file) {
  return read_whole_file(file, k_max_venv_settings, "", "check the file's permissions");
}

// pyvenv.cfg is not INI: CPython's site.py splits each line at its first '=' and
// trims both sides, with no sections and no comment syntax.
std::map<std::string, std::string> parse_pyvenv_cfg(const std::string& text) {
  std::map<std::string, std::string> config;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const auto equals = line.find('=');
    if (equals == std::string::npos) continue;
    std::string key = trim(std::string_view(line).substr(0, equals));
    if (!key.empty()) config[key] = trim(std::string_view(line).substr(equals + 1));
  }
  return config;
}

// "3.11.2", "3.11.7.final.0" -> "3.11".
std::optional<std::string> major_minor(const std::string& version) {
  static const std::regex pattern(R"(^(\d+)\.(\d+)(\D.*)?$)");
  std::smatch match;
  if (!std::regex_match(version, match, pattern)) return std::nullopt;
  return match[1].str() + "." + match[2].str();
}

struct LibFolder {
  std::string version;  // "3.11"
  bool free_threaded = false;
  fs::path path;
};

// lib/python3.X or lib/python3.Xt (free-threaded builds) holding site-packages.
std::vector<LibFolder> find_lib_folders(const fs::path& root) {
  static const std::regex pattern(R"(^python(\d+\.\d+)(t?)$)");
  std::vector<LibFolder> found;
  std::error_code error;
  for (const auto& child : fs::directory_iterator(root / "lib", error)) {
    const std::string name = child.path().filename().string();
    std::smatch match;
    if (std::regex_match(name, match, pattern) && fs::is_directory(child.path() / "site-packages", error)) {
      found.push_back({match[1].str(), match[2].length() > 0, child.path()});
    }
  }
  return found;
}

std::optional<fs::path> read_project_file(const fs::path& root) {
  const fs::path file = root / ".project";
  std::error_code error;
  if (!fs::is_regular_file(file, error)) return std::nullopt;
  const std::string text = read_settings_file(file);
  const std::string first_line = trim(text.substr(0, text.find('\n')));
  if (first_line.empty()) return std::nullopt;
  // virtualenvwrapper writes an absolute path; a relative one is taken from the venv.
  return clean_absolute(root / first_line);
}

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::string(value) : std::string();
}

fs::path workon_home() {
  std::string dir = environment("WORKON_HOME");
  const std::string home = environment("HOME");
  if (dir.empty()) return fs::path(home) / ".virtualenvs";
  // virtualenvwrapper expands a leading "~" itself, so users may leave it unexpanded.
  if (dir == "~" || dir.starts_with("~/")) dir = home + dir.substr(1);
  return dir;
}

}  // namespace

Venv open_venv(const fs::path& dir) {
  Venv venv;
  venv.root = clean_absolute(dir);
  venv.name = venv.root.filename().string();

  const fs::path cfg = venv.root / "pyvenv.cfg";
  std::error_code error;
  if (!fs::is_regular_file(cfg, error)) {
    throw Error(venv.root.string() + " is not a virtualenv: " + cfg.string() + " does not exist",
                "pass the folder made by `python3 -m venv`, virtualenv or uv (the one holding pyvenv.cfg)");
  }
  venv.config = parse_pyvenv_cfg(read_settings_file(cfg));

  const auto home = venv.config.find("home");
  if (home == venv.config.end() || home->second.empty()) {
    throw Error(cfg.string() + " has no `home` key, so no Python can run this venv",
                "recreate the venv with `python3 -m venv " + venv.root.string() + "`");
  }
  venv.home = home->second;

  std::optional<std::string> version;
  for (const char* key : {"version_info", "version"}) {
    if (const auto it = venv.config.find(key); it != venv.config.end() && !version) version = major_minor(it->second);
  }

  const std::vector<LibFolder> libs = find_lib_folders(venv.root);
  if (libs.empty()) {
    throw Error(venv.root.string() + " is not a virtualenv: no " + (venv.root / "lib/python3.X/site-packages").string(),
                "pass the venv's top folder (the one holding pyvenv.cfg, bin/ and lib/)");
  }
  // With several lib/python3.X folders (a venv upgraded in place) the one
  // pyvenv.cfg names is the one the interpreter uses.
  const LibFolder* lib = &libs.front();
  if (libs.size() > 1) {
    if (!version) {
      throw Error(venv.root.string() + "/lib holds several python3.X folders and pyvenv.cfg names no version",
                  "remove the stale lib/python3.X folder, or recreate the venv");
    }
    lib = nullptr;
    for (const LibFolder& candidate : libs) {
      if (candidate.version == *version) lib = &candidate;
    }
    if (!lib) {
      throw Error(venv.root.string() + "/lib has no python" + *version + " folder although pyvenv.cfg says " + *version,
                  "recreate the venv");
    }
  }
  venv.python_version = version.value_or(lib->version);
  venv.free_threaded = lib->free_threaded;
  venv.site_packages = lib->path / "site-packages";
  venv.project = read_project_file(venv.root);
  return venv;
}

fs::path locate_venv(const std::optional<std::string>& arg) {
  std::error_code error;
  if (!arg) {
    const std::string active = environment("VIRTUAL_ENV");
    if (active.empty()) {
      // Where uv, poetry (in-project), pdm and hatch keep a project's venv.
      if (fs::is_regular_file(".venv/pyvenv.cfg", error)) return clean_absolute(".venv");
      throw UsageError("no virtualenv given, none is active ($VIRTUAL_ENV is not set), and there is no ./.venv",
                       "pass the venv's folder or its name in $WORKON_HOME, activate it, or run in the project "
                       "that holds .venv");
    }
    if (!fs::is_directory(active, error)) {
      throw UsageError("$VIRTUAL_ENV names " + active + ", which is not a folder",
                       "deactivate the stale venv, or pass the venv's folder");
    }
    return clean_absolute(active);
  }

  if (fs::is_directory(*arg, error)) return clean_absolute(*arg);
  const fs::path named = workon_home() / *arg;
  // A name with a slash is a path the user typed: looking it up in
  // $WORKON_HOME would only hide the typo.
  const bool is_name = arg->find('/') == std::string::npos && !arg->empty() && *arg != "." && *arg != "..";
  if (is_name && fs::is_directory(named, error)) return clean_absolute(named);
  if (fs::exists(*arg, error)) {
    throw UsageError("the virtualenv '" + *arg + "' is " + fs::absolute(*arg).lexically_normal().string() +
                         ", which is a file, not a folder",
                     "pass the venv's folder: the one that holds pyvenv.cfg and bin/");
  }
  std::string where = "no folder " + fs::absolute(*arg).lexically_normal().string();
  if (is_name) where += " and no " + named.string() + " ($WORKON_HOME, default ~/.virtualenvs)";
  throw UsageError("cannot find the virtualenv '" + *arg + "': " + where,
                   "pass the venv's folder, or the name of a venv in $WORKON_HOME");
}

}  // namespace venv2docker
