// Turns a host folder (a venv, a project) into layer entries, applying
// exclusion rules and refusing what cannot be put in an image safely.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "tar/layer_entry.h"
#include "walk/exclude_rules.h"

namespace venv2docker {

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
