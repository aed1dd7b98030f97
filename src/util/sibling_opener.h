// Opens files by their folder's descriptor and their last name. Files of a
// venv come folder by folder, and open() of a whole path looks up every one
// of its components (a dozen in site-packages) for every file; through the
// folder's descriptor, the kernel looks up one name per file. The same file
// is opened as by its whole path: the folder is found by following its path
// once, as open() would.
#pragma once

#include <string>

#include "util/unique_fd.h"

namespace venv2docker {

class SiblingOpener {
 public:
  /// `flags` as open() takes them (O_RDONLY | O_CLOEXEC, say).
  explicit SiblingOpener(int flags) : m_flags(flags) {}

  /// open(path, flags): a descriptor, or -1 with errno set. `path` is absolute.
  int open(const std::string& path);

 private:
  int m_flags;
  std::string m_folder_path;
  UniqueFd m_folder;
};

}  // namespace venv2docker
