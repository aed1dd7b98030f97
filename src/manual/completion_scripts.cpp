#include "manual/completion_scripts.h"

#include "manual/flag_listing.h"

namespace venv2docker {

namespace {

// Completion menus show one short line: the description up to its first
// sentence or clause.
constexpr std::size_t k_max_summary = 70;

std::string summary(const std::string& description) {
  std::string text = description.substr(0, description.find_first_of(";:(\n"));
  const auto sentence = text.find(". ");
  if (sentence != std::string::npos) text.resize(sentence);
  if (text.size() > k_max_summary) text = text.substr(0, k_max_summary - 3) + "...";
  while (!text.empty() && (text.back() == ' ' || text.back() == ',' || text.back() == '.')) text.pop_back();
  return text;
}

// `text` inside single quotes, for bash, zsh and fish alike.
std::string single_quoted(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// An _arguments description: brackets and backslashes escaped.
std::string zsh_description(const std::string& text) {
  std::string escaped;
  for (const char c : text) {
    if (c == '[' || c == ']' || c == '\\' || c == ':') escaped += '\\';
    escaped += c;
  }
  return escaped;
}

}  // namespace

std::string bash_completion(const CLI::App& app) {
  std::string with_value;
  std::string words;
  for (const auto& flag : all_flags(app)) {
    for (const auto& name : flag.names) {
      words += (words.empty() ? "" : " ") + name;
      if (!flag.value_name.empty()) with_value += (with_value.empty() ? "" : "|") + name;
    }
  }
  return "# bash completion for venv2docker, generated from its flags -*- shell-script -*-\n"
         "_venv2docker() {\n"
         "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
         "  case $prev in\n"
         "    " + with_value + ")\n"
         "      COMPREPLY=($(compgen -f -- \"$cur\"))\n"
         "      return 0 ;;\n"
         "  esac\n"
         "  if [[ $cur == -* ]]; then\n"
         "    COMPREPLY=($(compgen -W " + single_quoted(words) + " -- \"$cur\"))\n"
         "  else\n"
         "    COMPREPLY=($(compgen -d -- \"$cur\"))\n"
         "  fi\n"
         "}\n"
         "complete -o filenames -F _venv2docker venv2docker\n";
}

std::string zsh_completion(const CLI::App& app) {
  std::string script = "#compdef venv2docker\n# zsh completion for venv2docker, generated from its flags\n_arguments -s \\\n";
  for (const auto& flag : all_flags(app)) {
    std::string exclusive;
    for (const auto& name : flag.names) exclusive += (exclusive.empty() ? "" : " ") + name;
    const std::string value = flag.value_name.empty() ? "" : ":" + flag.value_name + ":_files";
    for (const auto& name : flag.names) {
      const std::string prefix = flag.repeatable ? "*" : "(" + exclusive + ")";
      script += "  " + single_quoted(prefix + name + "[" + zsh_description(summary(flag.description)) + "]" + value) +
                " \\\n";
    }
  }
  return script + "  '1:virtualenv:_files -/'\n";
}

std::string fish_completion(const CLI::App& app) {
  std::string script = "# fish completion for venv2docker, generated from its flags\ncomplete -c venv2docker -f -a '(__fish_complete_directories)'\n";
  for (const auto& flag : all_flags(app)) {
    std::string line = "complete -c venv2docker";
    for (const auto& name : flag.short_names) line += " -s " + name;
    for (const auto& name : flag.long_names) line += " -l " + name;
    if (!flag.value_name.empty()) line += " -r -F";
    line += " -d " + single_quoted(summary(flag.description));
    script += line + "\n";
  }
  return script;
}

}  // namespace venv2docker
