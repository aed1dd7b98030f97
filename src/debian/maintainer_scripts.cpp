#include "debian/maintainer_scripts.h"

#include <regex>
#include <string_view>

#include "util/text_util.h"

namespace venv2docker::debian {

namespace {

// Lines that change nothing in the image: shell structure, argument checks
// of the standard templates, and ldconfig.
bool is_harmless(const std::string& line) {
  static const std::regex harmless(
      R"re(^(#.*|set -e|set -eu?|exit 0|exit 1|fi|then|else|esac|;;|\*\)|:|true|ldconfig|)re"
      R"re(if \[ "\$1" = "?configure"? \]; then|if \[ "\$1" = "?configure"? \]|)re"
      R"re(case "?\$1"? in|[a-z|-]+\)|)re"
      R"re(echo "postinst called with unknown argument.*" >&2|)re"
      R"re(if which update-alternatives >/dev/null 2>&1; then|)re"
      R"re(if \[ -x "?/usr/bin/update-alternatives"? \]; then)$)re");
  return std::regex_match(line, harmless);
}

std::vector<std::string> shell_words(const std::string& line) {
  std::vector<std::string> words;
  for (std::string text : split_words(line)) {
    if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') && text.back() == text.front()) {
      text = text.substr(1, text.size() - 2);
    }
    if (!text.empty()) words.push_back(text);
  }
  return words;
}

// update-alternatives(1)'s options, which may come before the command:
// those that change nothing in the image, with whether they take a value.
// --altdir and --admindir are fine at their defaults, where the links and
// records are written; elsewhere the command is left to a real run.
bool skip_option(const std::vector<std::string>& words, std::size_t& i) {
  struct Option {
    std::string_view name;
    bool takes_value;
    std::string_view only_value;  // empty: any value
  };
  static constexpr Option k_options[] = {{"--quiet", false, {}},
                                         {"--verbose", false, {}},
                                         {"--debug", false, {}},
                                         {"--force", false, {}},
                                         {"--skip-auto", false, {}},
                                         {"--log", true, {}},
                                         {"--altdir", true, "/etc/alternatives"},
                                         {"--admindir", true, "/var/lib/dpkg/alternatives"}};
  const std::string& word = words[i];
  for (const auto& option : k_options) {
    std::string value;
    std::size_t used = 1;
    if (word == option.name) {
      if (option.takes_value) {
        if (i + 1 >= words.size()) return false;
        value = words[i + 1];
        used = 2;
      }
    } else if (option.takes_value && word.starts_with(std::string(option.name) + "=")) {
      value = word.substr(option.name.size() + 1);  // "--log=FILE"
    } else {
      continue;
    }
    while (value.size() > 1 && value.ends_with('/')) value.pop_back();
    if (!option.only_value.empty() && value != option.only_value) return false;
    i += used;
    return true;
  }
  return false;
}

// "update-alternatives [OPTION...] --install LINK NAME PATH PRIORITY [--slave LINK NAME PATH]..."
std::optional<Alternative> parse_install(const std::string& line) {
  const std::vector<std::string> words = shell_words(line);
  if (words.empty() || words[0] != "update-alternatives") return std::nullopt;
  std::size_t i = 1;
  while (i < words.size() && words[i] != "--install") {
    if (!skip_option(words, i)) return std::nullopt;
  }
  if (i + 4 >= words.size()) return std::nullopt;
  Alternative alternative{words[i + 1], words[i + 2], words[i + 3], 0, {}};
  try {
    std::size_t used = 0;
    alternative.priority = std::stol(words[i + 4], &used);
    if (used != words[i + 4].size()) return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  for (i += 5; i < words.size();) {
    if (words[i] == "--slave" && i + 3 < words.size()) {
      alternative.slaves.push_back({words[i + 1], words[i + 2], words[i + 3], 0, {}});
      i += 4;
    } else if (!skip_option(words, i)) {
      return std::nullopt;
    }
  }
  bool literal = true;
  for (const auto& part : {alternative.link, alternative.name, alternative.path}) literal = literal && part.find('$') == std::string::npos;
  for (const auto& slave : alternative.slaves) {
    for (const auto& part : {slave.link, slave.name, slave.path}) literal = literal && part.find('$') == std::string::npos;
  }
  return literal ? std::optional(alternative) : std::nullopt;
}

}  // namespace

PostinstAnalysis analyse_postinst(std::string_view script) {
  PostinstAnalysis analysis;
  std::string joined;
  std::vector<std::string> lines;
  for (const auto& raw : split_nonempty(script, '\n')) {
    std::string line = trim(raw);
    if (line.ends_with('\\')) {
      joined += line.substr(0, line.size() - 1) + " ";
      continue;
    }
    lines.push_back(trim(joined + line));
    joined.clear();
  }
  if (!joined.empty()) lines.push_back(trim(joined));
  for (const auto& line : lines) {
    if (line.starts_with("#!") || is_harmless(line)) continue;
    if (auto alternative = parse_install(line)) {
      analysis.alternatives.push_back(*alternative);
      continue;
    }
    if (!analysis.unhandled) analysis.unhandled = line;
  }
  return analysis;
}

}  // namespace venv2docker::debian
