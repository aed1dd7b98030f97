#include "build/build_folder_marker.h"

#include <system_error>

#include "util/atomic_file.h"
#include "util/error.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void refuse_to_clean(const fs::path& folder, const std::string& why) {
  throw Error("--clean refuses to remove " + folder.string() + ": " + why,
              "--clean removes only a build folder venv2docker made (it holds " + std::string(k_build_folder_marker) +
                  "); remove this one yourself if you mean to");
}

}  // namespace

void make_build_folder(const fs::path& folder) {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(folder, ec))) return;
  fs::create_directories(folder, ec);
  if (ec) throw Error("cannot create the build folder " + folder.string() + ": " + ec.message(), "pass --build-dir");
  write_file_atomically(folder / k_build_folder_marker,
                        "venv2docker made this folder; `venv2docker --clean` may remove it.\n");
}

bool clean_build_folder(const fs::path& folder) {
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(folder, ec);
  if (!fs::exists(status)) return false;
  if (fs::is_symlink(status)) refuse_to_clean(folder, "it is a symbolic link");
  if (!fs::is_directory(status)) refuse_to_clean(folder, "it is not a folder");
  if (!fs::is_regular_file(fs::symlink_status(folder / k_build_folder_marker, ec))) {
    refuse_to_clean(folder, "venv2docker did not make it (it holds no " + std::string(k_build_folder_marker) + ")");
  }
  // The marker goes last: a --clean cut short can be run again.
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename() == k_build_folder_marker) continue;
    fs::remove_all(it->path(), ec);
    if (ec) throw Error("cannot remove " + it->path().string() + ": " + ec.message());
  }
  if (ec) throw Error("cannot list " + folder.string() + ": " + ec.message());
  fs::remove_all(folder, ec);
  if (ec) throw Error("cannot remove " + folder.string() + ": " + ec.message());
  return true;
}

}  // namespace venv2docker
