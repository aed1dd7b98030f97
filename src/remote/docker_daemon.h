// --load: hands an image to a Docker Engine (or podman's Docker-compatible
// service) through its API, POST /images/load, as `docker load` does.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "util/reporter.h"

namespace venv2docker {

struct DaemonAddress {
  std::optional<std::string> unix_socket;  // path of the socket
  std::string base_url;                    // "http://localhost" for sockets, "http://host:port" for tcp
  std::string shown;                       // as the user would write it, for messages
};

/// From DOCKER_HOST (unix:///path or tcp://host:port), else /var/run/docker.sock.
/// Throws UsageError for a DOCKER_HOST it cannot use.
DaemonAddress docker_daemon_address();

/// Streams the docker-archive `archive` to the daemon; returns what the daemon
/// says it loaded ("Loaded image: name:tag"). Throws Error naming the daemon
/// when none answers or it refuses the image.
std::string load_into_daemon(const std::filesystem::path& archive, const DaemonAddress& daemon, Reporter& reporter);

}  // namespace venv2docker
