// A base image read from an OCI layout folder.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "image/base_image.h"

namespace venv2docker {

class Reporter;

/// Reads image `tag` (or the only image when no tag) from an OCI layout folder,
/// choosing `platform` from an image index (nested ones too) and checking the
/// chosen config against it (check_base_platform in platform_choice.h: with
/// --platform given, another platform is an error; without, a warning).
BaseImage read_oci_layout(const std::filesystem::path& dir, const std::optional<std::string>& tag,
                          const PlatformRequest& platform, const BlobStore& store, Reporter& reporter);

}  // namespace venv2docker
