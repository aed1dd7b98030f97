#include "build/config_file.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <system_error>

#include "util/error.h"
#include "util/lexical_path.h"
#include "util/nearest_name.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

// Flags that are no setting of a build, with why a file may not hold them.
struct KeptOut {
  std::string_view key;
  std::string_view why;
};
constexpr KeptOut k_kept_out[] = {
    {"help", "it prints the help instead of building"},
    {"version", "it prints the version instead of building"},
    {"print-config", "it prints the settings instead of building"},
    {"clean", "it removes the build folder instead of building"},
    {"creds", "a password does not belong in a file kept with the project's source (use "
              "VENV2DOCKER_REGISTRY_USER/_PASSWORD, docker login or --creds)"},
    {"password-stdin", "it reads a password from the terminal or a pipe, which only a command line can give"},
};

// Flags whose items are K=V: a TOML table gives them as { K = "V" }.
constexpr std::string_view k_key_value_flags[] = {"env", "label", "annotation"};

const KeptOut* kept_out(std::string_view key) {
  for (const auto& entry : k_kept_out) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

bool is_configurable(const CLI::Option& option) {
  if (option.get_lnames().empty()) return false;  // the positional VIRTUALENV
  return std::none_of(option.get_lnames().begin(), option.get_lnames().end(),
                      [](const std::string& name) { return kept_out(name) != nullptr; });
}

CLI::Option* option_for_key(CLI::App& app, const std::string& key) {
  for (CLI::Option* option : app.get_options()) {
    if (!is_configurable(*option)) continue;
    const auto& names = option->get_lnames();
    if (std::find(names.begin(), names.end(), key) != names.end()) return option;
  }
  return nullptr;
}

bool takes_key_values(const CLI::Option& option) {
  return std::find(std::begin(k_key_value_flags), std::end(k_key_value_flags), setting_key(option)) !=
         std::end(k_key_value_flags);
}

std::string_view shape_name(SettingShape shape) {
  switch (shape) {
    case SettingShape::text: return "a single value";
    case SettingShape::boolean: return "a boolean";
    case SettingShape::list: return "a list";
    case SettingShape::table: return "a table";
  }
  return "a value";
}

// What the option takes, and its TOML, for the error and its hint.
struct ExpectedForm {
  std::string takes;
  std::string example;
};

ExpectedForm expected_form(const CLI::Option& option) {
  const std::string key = setting_key(option);
  if (option.get_expected_max() == 0) return {"is a switch", "write " + key + " = true (or false)"};
  if (takes_key_values(option)) return {"takes K=V items", "write " + key + " = { NAME = \"value\" }"};
  if (option.get_expected_max() > 1) return {"takes a list", "write " + key + " = [\"a\", \"b\"] (or one string)"};
  return {"takes one value", "write " + key + " = \"value\""};
}

void require_shape(const CLI::Option& option, const ToolSetting& setting, const std::string& where) {
  const bool is_switch = option.get_expected_max() == 0;
  const bool repeats = option.get_expected_max() > 1;
  bool fits = false;
  switch (setting.shape) {
    case SettingShape::boolean: fits = is_switch; break;
    case SettingShape::text: fits = !is_switch; break;
    case SettingShape::list: fits = repeats; break;
    case SettingShape::table: fits = repeats && takes_key_values(option); break;
  }
  if (fits) return;
  const ExpectedForm expected = expected_form(option);
  throw UsageError(where + ": [tool.venv2docker] " + setting.key + " is " + std::string(shape_name(setting.shape)) +
                       ", but --" + setting_key(option) + " " + expected.takes,
                   expected.example);
}

// The values as the option stores them: a switch's "true"/"false" as CLI11
// reads a flag's value from a config file.
std::vector<std::string> option_results(CLI::Option& option, const ToolSetting& setting) {
  if (option.get_expected_max() != 0) return setting.values;
  return {option.get_flag_value(setting_key(option), setting.values.front())};
}

}  // namespace

fs::path settings_file(const std::string& venv, const std::string& project) {
  if (!project.empty()) return clean_absolute(project) / "pyproject.toml";
  std::string venv_dir = venv;
  if (venv_dir.empty()) {
    const char* active = std::getenv("VIRTUAL_ENV");
    venv_dir = active && *active ? active : ".venv";
  }
  std::error_code error;
  const fs::path beside = clean_absolute(venv_dir).parent_path() / "pyproject.toml";
  if (fs::is_regular_file(beside, error)) return beside;
  return clean_absolute("pyproject.toml");
}

std::string setting_key(const CLI::Option& option) {
  return option.get_lnames().empty() ? option.get_name() : option.get_lnames().front();
}

std::vector<std::string> setting_keys(const CLI::App& app) {
  std::vector<std::string> keys;
  for (const CLI::Option* option : app.get_options()) {
    if (!is_configurable(*option)) continue;
    keys.insert(keys.end(), option->get_lnames().begin(), option->get_lnames().end());
  }
  return keys;
}

SettingOrigins apply_tool_settings(CLI::App& app, const std::optional<ToolSettings>& settings) {
  SettingOrigins origins;
  for (const CLI::Option* option : app.get_options()) {
    if (is_configurable(*option) && option->count() > 0) origins.origin[setting_key(*option)] = "command line";
  }
  if (!settings) return origins;
  origins.file = settings->file;
  for (const ToolSetting& setting : settings->settings) {
    const std::string where = settings->file.string() + ":" + std::to_string(setting.line);
    if (const KeptOut* refused = kept_out(setting.key)) {
      throw UsageError(where + ": [tool.venv2docker] cannot hold " + setting.key + ": " + std::string(refused->why),
                       "remove " + setting.key + " from " + settings->file.string());
    }
    CLI::Option* option = option_for_key(app, setting.key);
    if (!option) {
      const auto nearest = nearest_name(setting.key, setting_keys(app));
      throw UsageError(where + ": [tool.venv2docker] has an unknown key " + setting.key,
                       (nearest ? "did you mean " + *nearest + "? " : std::string()) +
                           "The keys are the long flag names of venv2docker --help, without the dashes");
    }
    require_shape(*option, setting, where);
    const std::string key = setting_key(*option);
    const auto earlier = origins.origin.find(key);
    if (earlier != origins.origin.end() && earlier->second == "command line") continue;
    if (earlier != origins.origin.end()) {
      throw UsageError(where + ": [tool.venv2docker] sets --" + key + " a second time (first at " + earlier->second + ")",
                       "keep one of the two keys");
    }
    try {
      option->add_result(option_results(*option, setting));
      option->run_callback();
    } catch (const CLI::ParseError& error) {  // CLI11's conversion and range checks report this way
      throw UsageError(where + ": [tool.venv2docker] " + setting.key + ": " + error.what(),
                       "give the value --" + key + " takes on the command line (see venv2docker --help)");
    }
    origins.origin[key] = where;
  }
  return origins;
}

}  // namespace venv2docker
