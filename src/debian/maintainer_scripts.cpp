#include "debian/maintainer_scripts.h"

#include <regex>

#include "text_util.h"

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

// "update-alternatives --install LINK NAME PATH PRIORITY [--slave LINK NAME PATH]..."
std::optional<Alternative> parse_install(const std::string& line) {
  std::vector<std::string> words = shell_words(line);
  if (words.size() < 6 || words[0] != "update-alternatives" || words[1] != "--install") return std::nullopt;
  Alternative alternative{words[2], words[3], words[4], 0, {}};
  try {
    alternative.priority = std::stol(words[5]);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  for (std::size_t i = 6; i < words.size(); i += 4) {
    if (words[i] != "--slave" || i + 3 >= words.size()) return std::nullopt;
    alternative.slaves.push_back({words[i + 1], words[i + 2], words[i + 3], 0, {}});
  }
  bool literal = true;
  for (const auto& part : {alternative.link, alternative.name, alternative.path}) literal = literal && part.find('$') == std::string::npos;
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
