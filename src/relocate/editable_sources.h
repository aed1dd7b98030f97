// Where the sources of editable installs go in the image. A source inside the
// project (or the venv) is already shipped and just moves with it; any other
// one is copied into <venv>/src/<folder name> so the image is self-contained.
#pragma once

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "relocate/relocate_context.h"

namespace venv2docker {

class EditableSources {
 public:
  explicit EditableSources(RelocationContext& context) : m_context(context) {}

  /// A project folder an editable install comes from (direct_url.json, an
  /// .egg-link): paths under it are copied together, as that whole folder.
  void add_root(const std::filesystem::path& root);

  /// The image path for `host_path`, named in the host file `named_in`:
  /// moved with the venv or project, or copied now. nullopt (with a warning)
  /// when it cannot be shipped: missing, or part of the host's Python.
  std::optional<std::string> place(const std::string& host_path, const std::string& named_in);

 private:
  std::string copy_into_image(const std::filesystem::path& root);
  std::string unused_destination(const std::string& name);

  RelocationContext& m_context;
  std::vector<std::filesystem::path> m_roots;
  std::set<std::string> m_destinations;
};

}  // namespace venv2docker
