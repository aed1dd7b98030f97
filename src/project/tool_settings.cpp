#include "project/tool_settings.h"

#include <algorithm>
#include <system_error>
#include <utility>

#include "project/toml_document.h"
#include "util/error.h"
#include "util/file_bytes.h"
#include "util/terminal_text.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

// Keys are printed in errors and --print-config; a flag's name is far shorter.
constexpr std::size_t k_max_key_shown = 100;

std::string place(const fs::path& file, std::size_t line) { return file.string() + ":" + std::to_string(line); }

// A string or an integer as the text a flag would take; std::nullopt for
// any other node.
std::optional<std::string> scalar_text(const toml::node& node) {
  if (const auto* text = node.as_string()) return text->get();
  if (const auto* number = node.as_integer()) return std::to_string(number->get());
  return std::nullopt;
}

Error shape_error(const fs::path& file, std::size_t line, const std::string& key, const std::string& what) {
  return Error("cannot read " + place(file, line) + ": [tool.venv2docker] " + key + " " + what,
               "write a string (key = \"value\"), a boolean for a switch (key = true), a list for a repeatable flag "
               "(key = [\"a\", \"b\"]) or a table for K=V flags (key = { NAME = \"value\" })");
}

// toml++ keeps a table's keys sorted; the file's order is the user's (an
// image's environment keeps it).
std::vector<std::pair<const toml::key*, const toml::node*>> in_file_order(const toml::table& table) {
  std::vector<std::pair<const toml::key*, const toml::node*>> entries;
  for (const auto& [key, value] : table) entries.emplace_back(&key, &value);
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    const toml::source_position left = a.first->source().begin;
    const toml::source_position right = b.first->source().begin;
    return left.line != right.line ? left.line < right.line : left.column < right.column;
  });
  return entries;
}

ToolSetting setting_of(const std::string& key, std::size_t line, const toml::node& node, const fs::path& file) {
  ToolSetting setting{key, line, SettingShape::text, {}};
  if (const auto text = scalar_text(node)) {
    setting.values.push_back(*text);
  } else if (const auto* flag = node.as_boolean()) {
    setting.shape = SettingShape::boolean;
    setting.values.push_back(flag->get() ? "true" : "false");
  } else if (const auto* items = node.as_array()) {
    setting.shape = SettingShape::list;
    for (const toml::node& item : *items) {
      const auto text = scalar_text(item);
      if (!text) throw shape_error(file, item.source().begin.line, key, "holds an item that is not a string or an integer");
      setting.values.push_back(*text);
    }
  } else if (const auto* entries = node.as_table()) {
    setting.shape = SettingShape::table;
    for (const auto& [name, value] : in_file_order(*entries)) {
      std::optional<std::string> text = scalar_text(*value);
      if (const auto* flag = value->as_boolean()) text = flag->get() ? "true" : "false";
      if (!text) {
        throw shape_error(file, name->source().begin.line, key,
                          "." + outside_text(std::string(name->str()), k_max_key_shown) +
                              " is not a string, an integer or a boolean");
      }
      setting.values.push_back(std::string(name->str()) + "=" + *text);
    }
  } else {
    throw shape_error(file, line, key, "is not a string, an integer, a boolean, a list or a table");
  }
  return setting;
}

}  // namespace

ToolSettings parse_tool_settings(std::string_view text, const fs::path& file) {
  const toml::table document = parse_toml_document(text, file);
  ToolSettings result{file, {}};
  const toml::node* tool = document.at_path("tool.venv2docker").node();
  if (!tool) return result;
  const toml::table* table = tool->as_table();
  if (!table) throw shape_error(file, tool->source().begin.line, "", "is not a table: write it as [tool.venv2docker]");
  for (const auto& [key, value] : in_file_order(*table)) {
    const std::string name = outside_text(std::string(key->str()), k_max_key_shown);
    result.settings.push_back(setting_of(name, key->source().begin.line, *value, file));
  }
  return result;
}

std::optional<ToolSettings> read_tool_settings(const fs::path& file) {
  std::error_code error;
  if (!fs::is_regular_file(file, error)) return std::nullopt;
  return parse_tool_settings(read_whole_file(file, k_max_pyproject, "the project's"), file);
}

}  // namespace venv2docker
