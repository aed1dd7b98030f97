// Turns a host folder (a venv, a project) into layer entries, applying
// exclusion rules and refusing what cannot be put in an image safely.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "venv2docker/layer_entry.h"

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

/// What a project folder (or an editable install's source) never needs in an
/// image: VCS data (.git, .hg, .svn), tool caches (.tox, .nox, .pytest_cache,
/// .mypy_cache, __pycache__, *.pyc), venv2docker's own .venv2docker, a nested
/// .venv and dist/; then the folder's own .dockerignore, whose `!` lines can
/// bring any of them back.
ExcludeRules default_project_excludes(const std::filesystem::path& folder);

struct WalkOptions {
  std::filesystem::path source;   // host folder
  std::string destination;        // absolute folder in the image
  ExcludeRules excludes;
  /// Host folders a symlink may point into (besides `source`); a link pointing
  /// anywhere else is kept as a link and reported, never followed.
  std::vector<std::filesystem::path> allowed_roots;
  /// Threads for the walk, at most two are used (one reads folders ahead
  /// while the other makes entries); 0 means one per core. Never changes the
  /// result, the warnings or the error thrown.
  unsigned threads = 0;
};

/// Lists `source` recursively as entries under `destination` (the folder itself
/// included), sorted. Throws Error naming the file for sockets, fifos, devices,
/// and unreadable files (the first such file in sorted order, as a walk on one
/// thread finds it). Names and link targets are kept as bytes, whatever their
/// encoding. Symlinks are never followed;
/// reports (to `warnings`, in sorted order) links that leave the allowed roots
/// or dangle.
std::vector<LayerEntry> walk_tree(const WalkOptions& options, std::vector<std::string>& warnings);

}  // namespace venv2docker
