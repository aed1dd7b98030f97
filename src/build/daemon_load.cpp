#include "build/daemon_load.h"

#include <filesystem>
#include <system_error>

#include "image/docker_archive_writer.h"
#include "remote/docker_daemon.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

// The daemon reads the archive from a stream, so it never needs to outlive the load.
struct RemovedAfterwards {
  fs::path path;
  ~RemovedAfterwards() {
    std::error_code ignored;
    fs::remove(path, ignored);
  }
};

}  // namespace

std::string load_into_docker(const Image& image, const Reference& name, const std::vector<WrittenOutput>& written,
                             const BlobStore& store, Reporter& reporter) {
  DaemonAddress daemon = docker_daemon_address();
  reporter.step("Loading into the Docker daemon at " + daemon.shown);
  for (const auto& output : written) {
    if (output.type == "docker-archive") return load_into_daemon(output.path, daemon, reporter);
  }
  RemovedAfterwards temporary{store.root() / "tmp" / ("load-" + std::string(image.manifest_digest().hex()) + ".tar")};
  write_docker_archive(image, store, temporary.path, name);
  return load_into_daemon(temporary.path, daemon, reporter);
}

}  // namespace venv2docker
