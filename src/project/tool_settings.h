// pyproject.toml's [tool.venv2docker] table: venv2docker's flags kept in the
// project, as ruff, mypy and cibuildwheel keep theirs under [tool.NAME]. Read
// here as TOML shapes only; which keys exist and what each takes is the
// command line's (build/config_file.h).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace venv2docker {

enum class SettingShape {
  text,     // a string or an integer
  boolean,  // true or false
  list,     // an array of strings and integers
  table,    // a table of strings, integers and booleans: K=V items
};

struct ToolSetting {
  std::string key;
  std::size_t line = 0;  // of the key in the file
  SettingShape shape = SettingShape::text;
  /// text: the one value; boolean: "true" or "false"; list: each item;
  /// table: "K=V" for each entry, in the file's order.
  std::vector<std::string> values;
};

struct ToolSettings {
  std::filesystem::path file;
  std::vector<ToolSetting> settings;  // in the file's order
};

/// [tool.venv2docker] of `text` (`file` names it in errors); no settings when
/// the file has no such table. Throws Error naming the file, the line and the
/// key when the TOML is broken or a value has a shape no flag takes (a date,
/// a float, a nested table, an array of tables).
ToolSettings parse_tool_settings(std::string_view text, const std::filesystem::path& file);

/// The same for the file at `file`; std::nullopt when there is no such file.
std::optional<ToolSettings> read_tool_settings(const std::filesystem::path& file);

}  // namespace venv2docker
