// A base image read from a `docker save` archive.
#pragma once

#include <filesystem>

#include "image/base_image.h"

namespace venv2docker {

class Reporter;

/// Reads a `docker save` archive: Docker 25+ (and ours) hold an OCI layout,
/// chosen from by platform as read_oci_layout chooses; older ones only a
/// manifest.json, whose config is the one platform there is.
BaseImage read_docker_archive(const std::filesystem::path& file, const PlatformRequest& platform,
                              const BlobStore& store, Reporter& reporter);

}  // namespace venv2docker
