#include "util/sibling_opener.h"

#include <fcntl.h>

#include <string_view>

namespace venv2docker {

int SiblingOpener::open(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return ::open(path.c_str(), m_flags);
  const std::string_view folder(path.data(), slash);
  if (folder != m_folder_path) {
    m_folder_path.assign(folder);
    m_folder = UniqueFd(::open(m_folder_path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  }
  // Without its folder, the whole path gives the errno to report.
  if (!m_folder) return ::open(path.c_str(), m_flags);
  return ::openat(m_folder.get(), path.c_str() + slash + 1, m_flags);
}

}  // namespace venv2docker
