// Resolving a path through symbolic links, component by component, as the
// kernel does, over any file system: the host's (lstat) or an image's file
// index. One implementation, so both agree on "..", loops and relative links.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace venv2docker {

/// What a path is, as far as resolution cares.
struct PathNode {
  enum class Kind { missing, other, symlink } kind = Kind::missing;
  std::string link_target;  // for symlinks
};

/// Says what the absolute, normal `path` is (no links followed).
using PathLookup = std::function<PathNode(const std::string& path)>;
/// Called with each prefix the resolution walks through: links (with their
/// target) and real folders and files (target empty), in order, each right
/// after its lookup.
using PathVisitor = std::function<void(const std::string& path, const PathNode& node)>;

/// The path with every link followed; std::nullopt when a component is
/// missing or more than 40 links are met (a loop).
std::optional<std::string> resolve_path(const std::string& path, const PathLookup& lookup,
                                        const PathVisitor& visit = {});

}  // namespace venv2docker
