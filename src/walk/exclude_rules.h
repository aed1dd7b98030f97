// Which paths of a walked folder are left out: .dockerignore semantics.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace venv2docker {

/// .dockerignore-style patterns (Go filepath.Match globs, `**`, `!` exceptions,
/// last match wins), matched against paths relative to the walked folder.
class ExcludeRules {
 public:
  void add(const std::string& pattern);
  /// Adds every pattern of a .dockerignore file; a missing file adds nothing.
  void add_dockerignore(const std::filesystem::path& file);
  /// True when `relative_path` ("a/b/c", '/'-separated) or one of its parent
  /// folders matches; the last matching pattern decides.
  bool excludes(const std::string& relative_path) const;
  bool empty() const { return m_patterns.empty(); }
  /// True when some `!` pattern may bring back a path inside an excluded
  /// folder, so a walker has to look inside excluded folders.
  bool has_exceptions() const;

 private:
  struct Pattern {
    std::string glob;
    bool negated = false;
  };
  std::vector<Pattern> m_patterns;
};

/// The pattern that matches `relative_path` and nothing else: the glob
/// characters `* ? [ \` in it escaped (for a hint that says what to exclude).
std::string exact_exclude_pattern(const std::string& relative_path);

/// What a project folder (or an editable install's source) never needs in an
/// image: VCS data (.git, .hg, .svn), tool caches (.tox, .nox, .pytest_cache,
/// .mypy_cache, __pycache__, *.pyc), venv2docker's own .venv2docker, a nested
/// .venv and dist/; then the folder's own .dockerignore, whose `!` lines can
/// bring any of them back.
ExcludeRules default_project_excludes(const std::filesystem::path& folder);

}  // namespace venv2docker
