// The --base syntax: which source a base comes from.
#pragma once

#include <string>

#include "image/base_image.h"

namespace venv2docker {

struct RegistryOptions;
class Reporter;

/// Dispatches on the --base syntax: "scratch" (an empty image for
/// `platform`), "oci:DIR[:TAG]", "docker-archive:FILE", else a registry
/// reference ("python:3.11-slim", "localhost:5000/x@sha256:...") pulled with
/// `registry` options (see remote/registry.h). Throws UsageError for something
/// that is none of these.
BaseImage load_base_image(const std::string& base, const PlatformRequest& platform, const BlobStore& store,
                          const RegistryOptions& registry, Reporter& reporter);

/// True when `base` names a registry image (neither scratch nor a local source).
bool is_registry_base(const std::string& base);

}  // namespace venv2docker
