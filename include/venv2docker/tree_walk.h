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
  bool excludes(const std::string& relative_path) const;
  bool empty() const { return m_patterns.empty(); }

 private:
  struct Pattern {
    std::string glob;
    bool negated = false;
  };
  std::vector<Pattern> m_patterns;
};

struct WalkOptions {
  std::filesystem::path source;   // host folder
  std::string destination;        // absolute folder in the image
  ExcludeRules excludes;
  /// Host folders a symlink may point into (besides `source`); a link pointing
  /// anywhere else is kept as a link and reported, never followed.
  std::vector<std::filesystem::path> allowed_roots;
};

/// Lists `source` recursively as entries under `destination` (the folder itself
/// included), sorted. Throws Error naming the file for sockets, fifos, devices,
/// unreadable files and names that are not UTF-8. Symlinks are never followed;
/// reports (to `warnings`) links that leave the allowed roots or dangle.
std::vector<LayerEntry> walk_tree(const WalkOptions& options, std::vector<std::string>& warnings);

}  // namespace venv2docker
