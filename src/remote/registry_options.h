// What the user may tell venv2docker about the registries it pulls from and
// pushes to (docs/registry.md): credentials, registries allowed to skip TLS
// checks, extra CAs, and how many transfers and attempts a pull or push makes.
// Header only.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace venv2docker {

struct RegistryOptions {
  /// "USER:PASSWORD" (--creds, or VENV2DOCKER_REGISTRY_USER/_PASSWORD).
  std::optional<std::string> creds;
  /// The registry `creds` are for ("ghcr.io", "localhost:5000"); empty means
  /// any registry. Credentials are never sent to another registry.
  std::string creds_registry;
  /// --creds REGISTRY=USER:PASSWORD: credentials per registry (as Reference
  /// normalises it: "docker.io", "localhost:5000"), for that registry only;
  /// they come before `creds` and the docker config.
  std::map<std::string, std::string> creds_by_registry;
  /// --insecure-registry: "host" or "host:port"; HTTPS without certificate
  /// checks, then plain HTTP. Loopback registries may always use plain HTTP.
  std::vector<std::string> insecure_registries;
  /// --ca-cert: extra CA certificates (PEM) trusted for every registry, on
  /// top of the system's and /etc/docker/certs.d/<host[:port]>/*.crt.
  std::vector<std::filesystem::path> ca_certs;
  /// Where per-registry CA folders live (tests point it elsewhere).
  std::vector<std::filesystem::path> certs_dirs = {"/etc/docker/certs.d", "/etc/containers/certs.d"};
  /// Blobs transferred at once.
  unsigned parallelism = 4;
  /// Attempts per request on transient failures (connection errors, 408,
  /// 429, 5xx), with jittered exponential backoff from `retry_base_ms`.
  unsigned attempts = 5;
  unsigned retry_base_ms = 500;
};

}  // namespace venv2docker
