// Pulling base images from and pushing images to registries that speak the
// OCI distribution API (Docker Hub, ghcr.io, a docker-registry...), with no
// daemon: auth (Basic, Bearer tokens, docker/podman credential files and
// helpers), TLS verified by default, every blob and manifest verified by
// digest, retries on transient failures, parallel transfers. See
// docs/registry.md.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "venv2docker/blob_store.h"
#include "venv2docker/image.h"
#include "venv2docker/image_source.h"
#include "venv2docker/platform.h"
#include "venv2docker/reference.h"
#include "venv2docker/reporter.h"

namespace venv2docker {

struct RegistryOptions {
  /// "USER:PASSWORD" (--creds, or VENV2DOCKER_REGISTRY_USER/_PASSWORD).
  std::optional<std::string> creds;
  /// The registry `creds` are for ("ghcr.io", "localhost:5000"); empty means
  /// any registry. Credentials are never sent to another registry.
  std::string creds_registry;
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

/// Pulls `reference` into `store`: the manifest (choosing `platform` from
/// an index, see platform_choice.h), the config (checked against `platform`
/// before any layer is fetched) and every layer, each verified by digest and
/// size. Blobs already stored are not downloaded; a reference pinned by
/// digest whose blobs are all stored makes no request. The result's `name`
/// is reference.full(). Throws Error naming the registry, the request and
/// the registry's answer, or the platforms there are.
BaseImage pull_image(const Reference& reference, const RegistryOptions& options, const PlatformRequest& platform,
                     const BlobStore& store, Reporter& reporter);

/// Blobs a push may mount from another repository of the same registry (the
/// base's) instead of uploading them.
struct MountSource {
  Reference repository;
  std::vector<Digest> blobs;
};

struct PushResult {
  std::string reference;  // "registry/repository:tag"
  Digest digest;          // of the manifest as pushed
  unsigned uploaded = 0;  // blobs sent
  unsigned mounted = 0;   // blobs mounted from the base's repository
  unsigned existing = 0;  // blobs the registry already had
};

/// Pushes `image` (its blobs are in `store`) to `destination` (its tag, or
/// "latest"; a digest reference pushes by digest only): blobs the registry
/// has are skipped, blobs of `mount_from` (the base's repository, same
/// registry) are mounted when the registry allows, the rest uploaded in
/// parallel; then the manifest. Throws Error as pull_image does.
PushResult push_image(const Image& image, const Reference& destination, const std::optional<MountSource>& mount_from,
                      const RegistryOptions& options, const BlobStore& store, Reporter& reporter);

}  // namespace venv2docker
