// A virtualenv on the host: where it is, which Python made it, and its project.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace venv2docker {

struct Venv {
  /// Absolute, lexically normal path of the venv as its files name it.
  std::filesystem::path root;
  /// The venv's folder name (the default image name).
  std::string name;
  /// Every key of pyvenv.cfg, keys and values trimmed.
  std::map<std::string, std::string> config;
  /// "3.11": from `version`/`version_info` in pyvenv.cfg, else lib/python3.X.
  std::string python_version;
  /// True for a free-threaded build (lib/python3.13t).
  bool free_threaded = false;
  /// "3.11", or "3.13t" for a free-threaded build: how lib/python3.X[t] and
  /// the interpreter's name spell the version.
  std::string python_tag() const { return python_version + (free_threaded ? "t" : ""); }
  /// root/lib/python3.X[t]/site-packages.
  std::filesystem::path site_packages;
  /// pyvenv.cfg `home`: the folder of the interpreter that made the venv.
  std::filesystem::path home;
  /// The project folder named by the venv's `.project` file (virtualenvwrapper).
  std::optional<std::filesystem::path> project;
};

/// Reads the venv at `dir`. Throws Error naming the file when it is not a venv
/// (no pyvenv.cfg, no lib/python3.X/site-packages, unreadable files).
Venv open_venv(const std::filesystem::path& dir);

/// Finds the venv the user meant: `arg` as a path if it names a folder, else as a
/// name under $WORKON_HOME (default ~/.virtualenvs); with no `arg`, the active
/// $VIRTUAL_ENV, else ./.venv. Throws UsageError saying where it looked when
/// none is found.
std::filesystem::path locate_venv(const std::optional<std::string>& arg);

}  // namespace venv2docker
