// Absolute paths inside an image ("/usr/bin/jq"), made from tar member names,
// taken apart and put together as text: they name nothing on this machine.
#pragma once

#include <string>

namespace venv2docker {

/// A tar member name as an image path: "./usr/bin/" -> "/usr/bin",
/// "." -> "/" ("." and empty components dropped, ".." kept).
std::string image_path_of(std::string member_name);

/// The folder holding `path` ("/usr/bin/jq" -> "/usr/bin", "/jq" -> "/").
inline std::string image_parent_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

/// `relative` ("a/b") under the image folder `folder`; `folder` itself for "" or ".".
inline std::string join_image_path(const std::string& folder, const std::string& relative) {
  if (relative.empty() || relative == ".") return folder;
  return folder == "/" ? "/" + relative : folder + "/" + relative;
}

}  // namespace venv2docker
