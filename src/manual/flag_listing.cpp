#include "manual/flag_listing.h"

#include <CLI/CLI.hpp>

#include <algorithm>

namespace venv2docker {

namespace {

FlagDescription describe(const CLI::Option& option) {
  FlagDescription flag;
  for (const auto& name : option.get_snames()) flag.names.push_back("-" + name);
  for (const auto& name : option.get_lnames()) flag.names.push_back("--" + name);
  flag.long_names = option.get_lnames();
  flag.short_names = option.get_snames();
  if (option.get_expected_max() != 0) flag.value_name = option.get_type_name();
  flag.repeatable = option.get_expected_max() > 1;
  flag.description = option.get_description();
  flag.default_value = option.get_default_str();
  return flag;
}

}  // namespace

std::vector<FlagGroup> flag_groups(const CLI::App& app) {
  std::vector<FlagGroup> groups;
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_positional() || option->get_group().empty()) continue;
    auto group = std::find_if(groups.begin(), groups.end(),
                              [&](const FlagGroup& known) { return known.name == option->get_group(); });
    if (group == groups.end()) group = groups.insert(groups.end(), FlagGroup{option->get_group(), {}});
    group->flags.push_back(describe(*option));
  }
  return groups;
}

std::vector<FlagDescription> all_flags(const CLI::App& app) {
  std::vector<FlagDescription> flags;
  for (const auto& group : flag_groups(app)) flags.insert(flags.end(), group.flags.begin(), group.flags.end());
  return flags;
}

std::string flag_description(const CLI::App& app, const std::string& name) {
  const CLI::Option* option = app.get_option_no_throw(name);
  return option ? option->get_description() : std::string();
}

}  // namespace venv2docker
