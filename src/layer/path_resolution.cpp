#include "layer/path_resolution.h"

namespace venv2docker {

std::optional<std::string> resolve_path(const std::string& path, const PathLookup& lookup, const PathVisitor& visit) {
  std::string pending = path.starts_with("/") ? path : "/" + path;
  std::string resolved;
  int links_followed = 0;
  std::size_t position = 1;
  while (position <= pending.size()) {
    auto next = pending.find('/', position);
    if (next == std::string::npos) next = pending.size();
    std::string component = pending.substr(position, next - position);
    std::string rest = pending.substr(next);
    position = next + 1;
    if (component.empty() || component == ".") continue;
    if (component == "..") {
      resolved = resolved.empty() ? "" : resolved.substr(0, resolved.rfind('/'));
      continue;
    }
    std::string candidate = resolved + "/" + component;
    PathNode node = lookup(candidate);
    if (node.kind == PathNode::Kind::missing) return std::nullopt;
    if (visit) visit(candidate, node);
    if (node.kind == PathNode::Kind::symlink) {
      if (++links_followed > 40) return std::nullopt;
      const std::string& target = node.link_target;
      // Restart from the link's target, relative to the link's folder.
      pending = (target.starts_with("/") ? target : resolved + "/" + target) + rest;
      resolved.clear();
      position = 1;
      continue;
    }
    resolved = candidate;
  }
  return resolved.empty() ? "/" : resolved;
}

}  // namespace venv2docker
