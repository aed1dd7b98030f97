// The command's flags as the man page and the completion scripts list them,
// read from the CLI11 app: names, value, group, description, default.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}  // namespace CLI

namespace venv2docker {

struct FlagDescription {
  std::vector<std::string> names;        // "-n", "--name", as --help shows them
  std::vector<std::string> long_names;   // "name", without the dashes
  std::vector<std::string> short_names;  // "n"
  std::string value_name;                // "TEXT", "FILE"...; empty for a switch
  bool repeatable = false;
  std::string description;
  std::string default_value;  // empty when --help shows none
};

struct FlagGroup {
  std::string name;
  std::vector<FlagDescription> flags;
};

/// The flags (not the positional argument) by group, in the order the app
/// declares them.
std::vector<FlagGroup> flag_groups(const CLI::App& app);

/// Every flag, in the same order.
std::vector<FlagDescription> all_flags(const CLI::App& app);

/// The description of the option or positional named `name` ("VIRTUALENV").
std::string flag_description(const CLI::App& app, const std::string& name);

}  // namespace venv2docker
