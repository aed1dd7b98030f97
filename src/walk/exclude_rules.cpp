// .dockerignore semantics, as Docker's patternmatcher applies them: patterns
// are cleaned like Go's filepath.Clean, each path component is matched with a
// Go filepath.Match-style glob (fnmatch(3) implements the same `* ? [...] \`
// syntax), a `**` component stands for any number of folders, a pattern that
// matches a folder also matches everything under it, and the last matching
// pattern wins, so a later `!pattern` brings paths back.
//
// One deliberate simplification: `**` inside a component ("a**b") is a plain
// `*` here, as in .gitignore; Docker turns it into "any folders in between".
#include <fnmatch.h>

#include <sstream>
#include <string_view>
#include <vector>

#include "util/error.h"
#include "util/file_bytes.h"
#include "util/text_util.h"
#include "walk/exclude_rules.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

// Go's filepath.Clean: no "." components, ".." resolved lexically, no repeated
// or trailing slash; "" becomes ".".
std::string go_clean(const std::string& pattern) {
  std::string clean = fs::path(pattern).lexically_normal().generic_string();
  while (clean.size() > 1 && clean.back() == '/') clean.pop_back();
  return clean.empty() ? "." : clean;
}

std::vector<std::string_view> split_components(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    if (end > start) parts.push_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts;
}

bool component_matches(std::string_view glob, std::string_view name) {
  // fnmatch needs NUL-terminated strings; components are short.
  return ::fnmatch(std::string(glob).c_str(), std::string(name).c_str(), 0) == 0;
}

// Does glob[g..] match path[p..]? A `**` component matches any number of
// components; a trailing one needs at least one, as Docker's "**" at the end
// of a pattern compiles to ".*" after the slash before it.
bool components_match(const std::vector<std::string_view>& glob, std::size_t g,
                      const std::vector<std::string_view>& path, std::size_t p) {
  if (g == glob.size()) return p == path.size();
  if (glob[g] == "**") {
    if (g + 1 == glob.size()) return p < path.size();
    for (std::size_t skip = p; skip <= path.size(); ++skip) {
      if (components_match(glob, g + 1, path, skip)) return true;
    }
    return false;
  }
  return p < path.size() && component_matches(glob[g], path[p]) && components_match(glob, g + 1, path, p + 1);
}

}  // namespace

std::string exact_exclude_pattern(const std::string& relative_path) {
  std::string pattern;
  for (char c : relative_path) {
    if (std::string_view("*?[\\").find(c) != std::string_view::npos) pattern += '\\';
    pattern += c;
  }
  return pattern;
}

void ExcludeRules::add(const std::string& line) {
  std::string pattern = trim(line);
  if (pattern.empty()) return;
  const bool negated = pattern.front() == '!';
  if (negated) {
    pattern = trim(std::string_view(pattern).substr(1));
    if (pattern.empty()) {
      throw Error("exclude pattern '" + line + "' is a lone '!'", "write the path to bring back after the '!'");
    }
  }
  pattern = go_clean(pattern);
  // Patterns are relative to the walked folder even when written absolute.
  if (pattern.size() > 1 && pattern.front() == '/') pattern.erase(0, 1);
  m_patterns.push_back({pattern, negated});
}

void ExcludeRules::add_dockerignore(const fs::path& file) {
  std::error_code error;
  if (!fs::exists(file, error)) return;
  // Far above any real .dockerignore.
  constexpr std::size_t k_max_dockerignore = std::size_t{16} << 20;
  std::istringstream in(read_whole_file(file, k_max_dockerignore, "", "check the file's permissions"));
  bool first = true;
  for (std::string line; std::getline(in, line); first = false) {
    if (first && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);  // UTF-8 byte order mark
    const std::string pattern = trim(line);
    if (pattern.empty() || pattern.front() == '#') continue;
    add(pattern);
  }
}

bool ExcludeRules::has_exceptions() const {
  for (const Pattern& pattern : m_patterns) {
    if (pattern.negated) return true;
  }
  return false;
}

bool ExcludeRules::excludes(const std::string& relative_path) const {
  // Walks ask for every file; most have no rules at all.
  if (m_patterns.empty()) return false;
  const std::vector<std::string_view> path = split_components(relative_path);
  if (path.empty()) return false;
  bool excluded = false;
  for (const Pattern& pattern : m_patterns) {
    const std::vector<std::string_view> glob = split_components(pattern.glob);
    if (glob.empty()) continue;
    // The path itself, then each parent folder: excluding "a" excludes "a/b".
    std::vector<std::string_view> prefix;
    bool matched = components_match(glob, 0, path, 0);
    for (std::size_t i = 0; !matched && i + 1 < path.size(); ++i) {
      prefix.push_back(path[i]);
      matched = components_match(glob, 0, prefix, 0);
    }
    if (matched) excluded = !pattern.negated;
  }
  return excluded;
}

ExcludeRules default_project_excludes(const fs::path& folder) {
  ExcludeRules rules;
  for (const char* pattern : {".git", ".hg", ".svn", ".venv2docker", ".tox", ".nox", ".pytest_cache", ".mypy_cache",
                              "**/__pycache__", "**/*.pyc", ".venv", "dist"}) {
    rules.add(pattern);
  }
  rules.add_dockerignore(folder / ".dockerignore");
  return rules;
}

}  // namespace venv2docker
