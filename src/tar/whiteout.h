// OCI whiteouts: a layer member named `.wh.NAME` deletes NAME of the layers
// below when the image is unpacked, and `.wh..wh..opq` hides everything its
// folder held below. venv2docker writes neither: a file of a venv, a project
// or a .deb that is named so would delete or hide files of the base image.
// Header only.
#pragma once

#include <cstddef>
#include <string_view>

namespace venv2docker {

inline constexpr std::string_view k_whiteout_prefix = ".wh.";
inline constexpr std::string_view k_opaque_whiteout = ".wh..wh..opq";

/// Whether `name` (one path component) is a whiteout marker of either kind.
inline bool is_whiteout_name(std::string_view name) { return name.starts_with(k_whiteout_prefix); }

/// Whether a component of `path` ("usr/.wh.x", "/a/.wh..wh..opq/", "/.wh.d/f")
/// is one: what a whiteout folder holds never belongs in a layer either.
inline bool names_whiteout(std::string_view path) {
  for (std::size_t start = 0; start <= path.size();) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    if (is_whiteout_name(path.substr(start, end - start))) return true;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return false;
}

}  // namespace venv2docker
