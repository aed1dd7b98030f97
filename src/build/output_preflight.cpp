#include "build/output_preflight.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "build/output_targets.h"
#include "image/layout_reference.h"
#include "remote/registry_push.h"
#include "util/error.h"
#include "util/temporary_path.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void refuse(const std::string& destination, const std::string& why, const std::string& hint) {
  throw Error("cannot write --output " + destination + ": " + why, hint);
}

// "out/" as "/abs/out": its parent is then the folder that holds it.
fs::path absolute_path(const fs::path& path) {
  fs::path normal = fs::absolute(path).lexically_normal();
  if (!normal.has_filename() && normal.has_relative_path()) normal = normal.parent_path();
  return normal;
}

// The folder itself when it exists, else the nearest existing one above it;
// a file on the way is an error.
fs::path nearest_existing_folder(const std::string& destination, const fs::path& folder) {
  fs::path at = absolute_path(folder);
  for (;;) {
    std::error_code ec;
    const fs::file_status status = fs::status(at, ec);
    if (fs::is_directory(status)) return at;
    if (fs::exists(status)) {
      refuse(destination, at.string() + " is a file, not a folder", "choose an output path whose folders are folders");
    }
    if (!at.has_relative_path()) return at;
    at = at.parent_path();
  }
}

// Whether files can be made there, asked by making one: permissions, a
// read-only mount and a full inode table all answer the same way.
void require_writable(const std::string& destination, const fs::path& folder) {
  TemporaryPath probe(folder / "write-probe");
  const int fd = ::open(probe.path().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    refuse(destination, "cannot create files in " + folder.string() + " (" + std::strerror(errno) + ")",
           "choose a writable folder for the output");
  }
  ::close(fd);
}

void check_folder_output(const std::string& destination, const fs::path& dir) {
  const fs::path folder = absolute_path(dir);
  const fs::path existing = nearest_existing_folder(destination, folder);
  require_writable(destination, existing);
  // An existing layout is updated in place, and its lock file sits beside it.
  if (existing == folder && folder.has_relative_path()) require_writable(destination, folder.parent_path());
}

void check_file_output(const std::string& destination, const fs::path& file) {
  std::error_code ec;
  if (fs::is_directory(fs::status(file, ec))) {
    refuse(destination, file.string() + " is a folder", "name a file for the docker-archive");
  }
  require_writable(destination, nearest_existing_folder(destination, absolute_path(file).parent_path()));
}

}  // namespace

void check_output_destinations(const std::vector<std::string>& destinations) {
  for (const std::string& destination : destinations) {
    if (destination.starts_with("oci:")) {
      const fs::path dir = split_layout_reference(destination.substr(4)).first;
      if (!dir.empty()) check_folder_output(destination, dir);
    } else if (destination.starts_with("docker-archive:")) {
      const fs::path file = destination.substr(15);
      if (!file.empty()) check_file_output(destination, file);
    }
  }
}

void check_push_destinations(const std::vector<std::string>& destinations, const Reference& name,
                             const std::optional<Reference>& base_repository, const RegistryOptions& registry,
                             Reporter& reporter) {
  for (const std::string& destination : destinations) {
    if (!destination.starts_with("registry:")) continue;
    check_push_access(push_target(destination.substr(9), name), base_repository, registry, reporter);
  }
}

}  // namespace venv2docker
