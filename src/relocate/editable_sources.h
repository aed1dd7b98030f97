// Where the sources of editable installs go in the image. A source inside the
// project (or the venv) is already shipped and just moves with it; any other
// one is copied into <venv>/src/<folder name> so the image is self-contained,
// when it is a Python project and nothing a home folder keeps private
// (editable_source_policy.h).
#pragma once

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "relocate/relocate_context.h"

namespace venv2docker {

/// Where a path was read: a file of the venv and, for a file of lines (.pth,
/// .egg-link), the line.
struct PathOrigin {
  const LayerEntry* file = nullptr;
  std::size_t line = 0;  // from 1; 0 for a file without lines to speak of (JSON, a finder module)
};

class EditableSources {
 public:
  explicit EditableSources(RelocationContext& context) : m_context(context) {}

  /// A project folder an editable install comes from (direct_url.json, an
  /// .egg-link): paths under it are copied together, as that whole folder.
  void add_root(const std::filesystem::path& root);

  /// The image path for `host_path`, named at `origin`: moved with the venv
  /// or project, or copied now. nullopt (with a warning) when it is not there
  /// to ship: missing, or part of the host's Python. Throws Error naming the
  /// file, line and folder when the folder may not be copied.
  std::optional<std::string> place(const std::string& host_path, const PathOrigin& origin);

 private:
  std::string describe(const PathOrigin& origin) const;
  void refuse_unsafe(const std::filesystem::path& root, const std::string& host_path, const PathOrigin& origin) const;
  std::string copy_into_image(const std::filesystem::path& root);
  std::string unused_destination(const std::string& name);

  RelocationContext& m_context;
  std::vector<std::filesystem::path> m_roots;
  std::set<std::string> m_destinations;
};

}  // namespace venv2docker
