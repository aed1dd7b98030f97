// The "DIR[:TAG]" part of oci:DIR[:TAG], shared by --base and --output.
// Header only.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace venv2docker {

/// "DIR:TAG" -> (DIR, TAG); a last component without ':' has no tag. A colon
/// inside a folder name ("a:b/c") is not a tag separator.
inline std::pair<std::string, std::optional<std::string>> split_layout_reference(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || text.find('/', colon) != std::string::npos) return {text, std::nullopt};
  return {text.substr(0, colon), text.substr(colon + 1)};
}

}  // namespace venv2docker
