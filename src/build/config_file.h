// [tool.venv2docker] in pyproject.toml merged into the command line: every
// long flag is a key (taken from the CLI11 app itself, so a new flag is a key
// at once), a flag given on the command line overrides the file, and the file
// overrides the defaults.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "project/tool_settings.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace venv2docker {

/// Where each setting came from, by the option's first long name: "command
/// line", FILE:LINE, or absent for a default.
struct SettingOrigins {
  std::optional<std::filesystem::path> file;  // the pyproject.toml read, if any
  std::map<std::string, std::string> origin;
};

/// The pyproject.toml whose [tool.venv2docker] applies, from what the command
/// line gave: --project's; else the one beside the venv (VIRTUALENV, else
/// $VIRTUAL_ENV, else ./.venv) when the venv sits in a project
/// (project/.venv); else the current folder's. Empty `venv` or `project`
/// means not given.
std::filesystem::path settings_file(const std::string& venv, const std::string& project);

/// The keys [tool.venv2docker] may hold: each configurable option's long names.
std::vector<std::string> setting_keys(const CLI::App& app);

/// The option's first long name without "--", the key --print-config shows.
std::string setting_key(const CLI::Option& option);

/// `settings` applied to `app` (parsed already) where the command line left
/// an option unset. Throws UsageError naming the file, line and key for an
/// unknown key (with the nearest valid one), a key that cannot be kept in a
/// file, or a value of the wrong shape or type for its flag.
SettingOrigins apply_tool_settings(CLI::App& app, const std::optional<ToolSettings>& settings);

}  // namespace venv2docker
