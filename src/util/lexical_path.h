// Path questions answered from the text alone, without touching the disk:
// what a venv's files name may not exist on this machine.
// Header only.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace venv2docker {

/// `path` relative to `folder` when it is `folder` itself (".") or lies under it.
inline std::optional<std::filesystem::path> relative_within(const std::filesystem::path& path,
                                                            const std::filesystem::path& folder) {
  std::filesystem::path relative = path.lexically_normal().lexically_relative(folder.lexically_normal());
  if (relative.empty() || *relative.begin() == "..") return std::nullopt;
  return relative;
}

inline bool is_within(const std::filesystem::path& path, const std::filesystem::path& folder) {
  return relative_within(path, folder).has_value();
}

/// `folder` + "/" + `relative`, lexically normal (as a generic string), for a
/// `folder` that already is. A RECORD's lines name paths relative to
/// site-packages and only sometimes climb out of it ("../../../bin/tool"):
/// the common case makes no std::filesystem::path, which splits every path
/// into components (a venv's hundreds of thousands of lines, read twice).
inline std::string joined_lexically_normal(const std::string& folder, const std::string& relative) {
  const bool plain = !relative.empty() && !relative.starts_with('.') && !relative.starts_with('/') &&
                     relative.find("/.") == std::string::npos && relative.find("//") == std::string::npos;
  if (plain) return folder + "/" + relative;
  return (std::filesystem::path(folder + "/" + relative)).lexically_normal().generic_string();
}

/// Absolute and lexically normal, without the trailing slash lexically_normal()
/// keeps for "dir/".
inline std::filesystem::path clean_absolute(const std::filesystem::path& path) {
  std::filesystem::path clean = std::filesystem::absolute(path).lexically_normal();
  if (clean.filename().empty() && clean != clean.root_path()) clean = clean.parent_path();
  return clean;
}

}  // namespace venv2docker
