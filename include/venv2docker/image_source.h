// Where base images come from. Every source yields an Image whose blobs are
// in the BlobStore, verified by digest on the way in, so later steps never
// care where the base came from.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "venv2docker/blob_store.h"
#include "venv2docker/image.h"

namespace venv2docker {

struct RegistryOptions;
class Reporter;

struct BaseImage {
  Image image;
  /// For the org.opencontainers.image.base.name annotation (empty for scratch).
  std::string name;
  bool is_scratch = false;
};

/// The empty image: no layers, a minimal config for `os`/`architecture`.
BaseImage scratch_image(const BlobStore& store, const std::string& architecture = "amd64");

/// Reads image `tag` (or the only image when no tag) from an OCI layout folder.
BaseImage read_oci_layout(const std::filesystem::path& dir, const std::optional<std::string>& tag,
                          const BlobStore& store);

/// Reads a `docker save` archive or a tar of an OCI layout (ours are both).
BaseImage read_docker_archive(const std::filesystem::path& file, const BlobStore& store);

/// Dispatches on the --base syntax: "scratch", "oci:DIR[:TAG]",
/// "docker-archive:FILE", else a registry reference ("python:3.11-slim",
/// "localhost:5000/x@sha256:...") pulled with `registry` options (see
/// registry.h). Throws UsageError for something that is none of these.
BaseImage load_base_image(const std::string& base, const BlobStore& store, const RegistryOptions& registry,
                          Reporter& reporter);

}  // namespace venv2docker
