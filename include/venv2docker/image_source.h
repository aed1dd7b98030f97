// Where base images come from. Every source yields an Image whose blobs are
// in the BlobStore, verified by digest on the way in, so later steps never
// care where the base came from.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "venv2docker/blob_store.h"
#include "venv2docker/image.h"
#include "venv2docker/platform.h"

namespace venv2docker {

struct RegistryOptions;
class Reporter;

struct BaseImage {
  Image image;
  /// For the org.opencontainers.image.base.name annotation (empty for scratch).
  std::string name;
  bool is_scratch = false;
};

/// The empty image: no layers, a minimal config for `platform`.
BaseImage scratch_image(const BlobStore& store, const Platform& platform = Platform::host());

// Every reader below chooses `platform` from an image index (nested ones
// too) and checks the chosen config against it (check_base_platform in
// platform_choice.h: with --platform given, another platform is an error;
// without, a warning on `reporter`).

/// Reads image `tag` (or the only image when no tag) from an OCI layout folder.
BaseImage read_oci_layout(const std::filesystem::path& dir, const std::optional<std::string>& tag,
                          const PlatformRequest& platform, const BlobStore& store, Reporter& reporter);

/// Reads a `docker save` archive: Docker 25+ (and ours) hold an OCI layout,
/// chosen from by platform; older ones only a manifest.json, whose config
/// is the one platform there is.
BaseImage read_docker_archive(const std::filesystem::path& file, const PlatformRequest& platform,
                              const BlobStore& store, Reporter& reporter);

/// Dispatches on the --base syntax: "scratch" (an empty image for
/// `platform`), "oci:DIR[:TAG]", "docker-archive:FILE", else a registry
/// reference ("python:3.11-slim", "localhost:5000/x@sha256:...") pulled with
/// `registry` options (see registry.h). Throws UsageError for something that
/// is none of these.
BaseImage load_base_image(const std::string& base, const PlatformRequest& platform, const BlobStore& store,
                          const RegistryOptions& registry, Reporter& reporter);

}  // namespace venv2docker
