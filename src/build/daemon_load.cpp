#include "build/daemon_load.h"

#include "image/docker_archive_writer.h"
#include "remote/docker_daemon.h"
#include "util/temporary_path.h"

namespace venv2docker {

std::string load_into_docker(const Image& image, const Reference& name, const std::vector<WrittenOutput>& written,
                             const BlobStore& store, Reporter& reporter) {
  DaemonAddress daemon = docker_daemon_address();
  reporter.step("Loading into the Docker daemon at " + daemon.shown);
  for (const auto& output : written) {
    if (output.type == "docker-archive") return load_into_daemon(output.path, daemon, reporter);
  }
  // The daemon reads the archive from a stream, so it never needs to outlive
  // the load; its name is this run's own, so concurrent loads never share one.
  TemporaryPath archive(store.root() / "tmp" / "load.tar");
  write_docker_archive(image, store, archive.path(), name);
  return load_into_daemon(archive.path(), daemon, reporter);
}

}  // namespace venv2docker
