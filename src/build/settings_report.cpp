#include "build/settings_report.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace venv2docker {

namespace {

// A TOML basic string: JSON's escapes are TOML's; bytes that are not UTF-8
// (a path can hold them) are shown as U+FFFD.
std::string toml_string(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string toml_list(const std::vector<std::string>& items) {
  std::string list = "[";
  for (const auto& item : items) list += (list.size() > 1 ? ", " : "") + toml_string(item);
  return list + "]";
}

// The option's value as TOML, or empty when it has none.
std::string toml_value(const CLI::Option& option) {
  if (option.get_expected_max() == 0) return option.count() > 0 && option.as<bool>() ? "true" : "false";
  if (option.count() == 0) return option.get_default_str().empty() ? "" : toml_string(option.get_default_str());
  if (option.get_expected_max() > 1) return toml_list(option.results());
  return toml_string(option.results().back());
}

}  // namespace

std::string settings_report(const CLI::App& app, const SettingOrigins& origins) {
  std::string report = "# venv2docker's settings: the command line over ";
  report += origins.file ? origins.file->string() + " [tool.venv2docker]" : "no pyproject.toml";
  report += " over the defaults\n[tool.venv2docker]\n";
  for (const std::string& key : setting_keys(app)) {
    const CLI::Option* option = app.get_option_no_throw("--" + key);
    if (setting_key(*option) != key) continue;  // an alias: shown under its first name
    const std::string value = toml_value(*option);
    const auto origin = origins.origin.find(key);
    if (value.empty()) {
      report += "# " + key + ": not set\n";
    } else {
      report += key + " = " + value + "  # " + (origin != origins.origin.end() ? origin->second : "default") + "\n";
    }
  }
  return report;
}

}  // namespace venv2docker
