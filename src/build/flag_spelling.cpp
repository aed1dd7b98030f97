#include "build/flag_spelling.h"

#include "util/error.h"
#include "util/nearest_name.h"

namespace venv2docker {

namespace {

std::vector<std::string> long_flags(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* option : app.get_options()) {
    for (const auto& name : option->get_lnames()) names.push_back("--" + name);
  }
  return names;
}

[[noreturn]] void refuse_unknown(const CLI::App& app, const std::string& flag) {
  const std::optional<std::string> nearest = nearest_name(flag, long_flags(app));
  throw UsageError("unknown flag " + flag,
                   nearest ? "did you mean " + *nearest + "? (venv2docker --help lists every flag)"
                           : "venv2docker --help lists every flag");
}

// A short option is "-X" with X a letter; "-1" and "-" are values.
bool is_short_flag(const std::string& argument) {
  return argument.size() >= 2 && argument[0] == '-' && argument[1] != '-' && std::isalpha(static_cast<unsigned char>(argument[1]));
}

}  // namespace

std::vector<std::string> normalised_arguments(const CLI::App& app, int argc, char** argv) {
  std::vector<std::string> out;
  bool options_end = false;
  for (int i = 1; i < argc; ++i) {
    std::string argument = argv[i];
    if (options_end || argument == "--") {
      options_end = true;
      out.push_back(std::move(argument));
      continue;
    }
    if (argument.starts_with("--")) {
      const std::string flag = argument.substr(0, argument.find('='));
      if (app.get_option_no_throw(flag) == nullptr) refuse_unknown(app, flag);
    } else if (is_short_flag(argument)) {
      const std::string flag = argument.substr(0, 2);
      const CLI::Option* option = app.get_option_no_throw(flag);
      // Several short flags may share one dash ("-qv"); only a lone unknown letter is refused here.
      if (option == nullptr && argument.size() == 2) refuse_unknown(app, flag);
      if (option != nullptr && option->get_type_size() > 0 && argument.size() > 2 && argument[2] == '=') {
        out.push_back(flag);
        out.push_back(argument.substr(3));
        continue;
      }
    }
    out.push_back(std::move(argument));
  }
  return out;
}

}  // namespace venv2docker
