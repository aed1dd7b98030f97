#include "tar/image_path.h"

#include <string_view>

namespace venv2docker {

std::string image_path_of(std::string name) {
  // As Docker's layer applier cleans a member's name: "." and empty components
  // go, so ".", "./" and "/" are the root, "./usr//bin/." is "/usr/bin". A ".."
  // is kept, for callers that refuse it.
  std::string path;
  path.reserve(name.size() + 1);
  for (std::size_t start = 0; start <= name.size();) {
    std::size_t end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    std::string_view part(name.data() + start, end - start);
    if (!part.empty() && part != ".") {
      path += '/';
      path += part;
    }
    start = end + 1;
  }
  return path.empty() ? "/" : path;
}

}  // namespace venv2docker
