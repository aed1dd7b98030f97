// Turns the runtime flags (--env, --ports, --entrypoint, --paths...) into the
// container settings of the image, with the venv first on PATH.
#pragma once

#include <optional>
#include <string>

#include "build/build.h"
#include "image/image_builder.h"

namespace venv2docker {

/// `base_path` is the base image's PATH (or the usual default); `project`
/// says whether the image has a project layer. Throws UsageError for
/// malformed K=V or port values, naming the flag.
ContainerSettings container_settings(const BuildOptions& options, const std::string& base_path, bool project);

/// Splits "K=V,K2=V2" lists (each element may hold several), for --env, --label...
std::map<std::string, std::string> parse_assignments(const std::vector<std::string>& items, const std::string& flag);

}  // namespace venv2docker
