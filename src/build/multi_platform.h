// Several platforms in one run (--platform P,P and --venv PLATFORM=PATH): one
// image per platform, each over the base's image for it, then one OCI image
// index over them, written to OCI layouts and pushed to registries. Layers
// the platforms share (the project's, a pure-Python venv's) come back from the
// layer cache for every platform after the first: each is compressed once.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "build/build.h"
#include "image/platform.h"
#include "util/reporter.h"

namespace venv2docker {

/// The platforms `--platform` names ("linux/amd64,linux/arm64"), normalised,
/// each once, in the order given; none when it is not given. Throws
/// UsageError for a platform that does not parse.
std::vector<Platform> requested_platforms(const std::optional<std::string>& option);

/// Whether `options` asks for more than build() does for one platform:
/// several platforms, or a venv chosen per platform.
bool builds_per_platform(const BuildOptions& options);

/// The options of each platform's build, in --platform's order: its venv
/// (--venv's for it, else the VIRTUALENV), its one platform, and, for
/// several platforms, no outputs written (write_outputs false). Throws
/// UsageError for a --venv that is not PLATFORM=PATH or names a platform not
/// asked for, and, for several platforms, for an output an index cannot go
/// to: a docker-archive (also the default output), --load and --cache-to.
std::vector<BuildOptions> per_platform_options(const BuildOptions& options);

/// The images of `built` (one per platform, from per_platform_options) as
/// one index, written to each destination (oci: layouts and registry:
/// pushes); with --check, their reports only, each finding naming its
/// platform. Throws Error when writing or pushing fails.
BuildResult write_platform_index(const BuildOptions& options, std::vector<BuildResult> built, Reporter& reporter);

}  // namespace venv2docker
