// The new image: the base, the new layers over it, the container settings,
// and the manifest's annotations.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "build/container_settings.h"
#include "image/base_image.h"
#include "image/image_builder.h"
#include "store/blob_store.h"

namespace venv2docker {

/// Where the venv and the project sit in the image.
struct ImagePaths {
  std::string venv;
  std::optional<std::string> project;  // none without a project layer
};

/// `layers` over `base` with the settings of `runtime` (after the venv on
/// PATH, the base's PATH), created at `created`, annotated with the base's
/// name and digest and `annotations` ("K=V", --annotation). Throws
/// UsageError for a malformed setting, Error as append_layers does.
Image assemble_image(const BaseImage& base, const std::vector<NewLayer>& layers, const RuntimeOptions& runtime,
                     const ImagePaths& paths, std::int64_t created, const std::vector<std::string>& annotations,
                     const BlobStore& store);

}  // namespace venv2docker
