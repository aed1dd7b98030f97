#include "relocate/editable_sources.h"

#include <algorithm>
#include <system_error>

#include "relocate/editable_source_policy.h"
#include "util/error.h"
#include "util/lexical_path.h"
#include "walk/tree_walk.h"

namespace venv2docker {

namespace fs = std::filesystem;

void EditableSources::add_root(const fs::path& root) {
  m_roots.push_back(clean_absolute(root));
}

std::string EditableSources::describe(const PathOrigin& origin) const {
  const std::string file = m_context.describe(*origin.file);
  return origin.line == 0 ? file : file + " line " + std::to_string(origin.line);
}

void EditableSources::refuse_unsafe(const fs::path& root, const std::string& host_path, const PathOrigin& origin) const {
  std::vector<fs::path> shipped{m_context.venv.root};
  if (m_context.params.project_source) shipped.push_back(*m_context.params.project_source);
  const auto reason = why_not_copyable(root, shipped);
  if (!reason) return;
  const std::string named = host_path == root.string() ? root.string() : host_path + " (in " + root.string() + ")";
  throw Error(describe(origin) + " names " + named + ", which is not copied into the image: " + *reason,
              "if that file should not be in the venv, leave it out with --exclude " +
                  m_context.exclude_pattern(*origin.file) +
                  "; an editable install's sources are copied only from a Python project folder of their own");
}

std::optional<std::string> EditableSources::place(const std::string& host_path, const PathOrigin& origin) {
  const std::string named_in = describe(origin);
  if (auto image = m_context.moved_paths.map(host_path)) return image;
  m_context.result.looked_outside = true;

  const fs::path path = fs::path(host_path).lexically_normal();
  fs::path root = path;
  for (const fs::path& candidate : m_roots) {
    if (is_within(path, candidate) && (root == path || candidate.string().size() > root.string().size())) {
      root = candidate;
    }
  }

  std::error_code error;
  if (!fs::is_directory(root, error)) {
    m_context.warn(named_in + " names " + host_path + ", which is not a folder on this machine; left as is");
    return std::nullopt;
  }
  // The base interpreter's own folders (a .pth adding /usr/lib/python3/dist-packages)
  // belong to the base image, not to a copy.
  const fs::path base_prefix = m_context.venv.home.parent_path();
  if (base_prefix != base_prefix.root_path() && is_within(root, base_prefix)) {
    m_context.warn(named_in + " names " + host_path + ", part of the host's Python installation (" +
                   base_prefix.string() + "); left as is, the base image must provide it");
    return std::nullopt;
  }

  refuse_unsafe(root, host_path, origin);
  const std::string destination = copy_into_image(root);
  m_context.moved_paths.add(root.string(), destination);
  m_context.warn("the editable source " + root.string() + " (named in " + named_in +
                 ") is outside the project; copied into the image as " + destination +
                 " (later edits will not reach the image)");
  return m_context.moved_paths.map(host_path);
}

std::string EditableSources::unused_destination(const std::string& name) {
  const std::string base = m_context.venv_destination + "/src/" + name;
  std::string destination = base;
  for (int n = 2; m_destinations.count(destination) || m_context.find(destination); ++n) {
    destination = base + "-" + std::to_string(n);
  }
  m_destinations.insert(destination);
  return destination;
}

std::string EditableSources::copy_into_image(const fs::path& root) {
  const std::string destination = unused_destination(root.filename().string());
  WalkOptions options;
  options.source = root;
  options.destination = destination;
  options.excludes = default_project_excludes(root);
  std::vector<LayerEntry> copied = walk_tree(options, m_context.result.warnings);

  const std::string src = m_context.venv_destination + "/src";
  auto& extra = m_context.result.extra_entries;
  const bool has_src = m_context.find(src) ||
                       std::any_of(extra.begin(), extra.end(), [&](const LayerEntry& e) { return e.path == src; });
  if (!has_src) {
    LayerEntry folder;
    folder.path = src;
    folder.kind = EntryKind::directory;
    folder.mode = 0755;
    extra.push_back(std::move(folder));
  }
  for (LayerEntry& entry : copied) extra.push_back(std::move(entry));
  sort_entries(extra);
  return destination;
}

}  // namespace venv2docker
