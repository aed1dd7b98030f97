// Outputs checked before the long work: a destination that is a file where a
// folder must be (or the reverse), or a folder that cannot be written, is
// found before the base is read, and the error names the destination as the
// user gave it, not a temporary beside it.
#pragma once

#include <string>
#include <vector>

#include "image/reference.h"
#include "remote/registry_options.h"
#include "util/reporter.h"

namespace venv2docker {

/// Checks each "oci:DIR[:TAG]" and "docker-archive:FILE" destination (others
/// are checked where they are written): the output's folder, or the nearest
/// one above it that exists, is a folder this process can create files in.
/// Throws Error naming the destination and the path at fault.
void check_output_destinations(const std::vector<std::string>& destinations);

/// Asks the registry of each "registry:" destination (--push's among them)
/// whether `registry`'s credentials may push there (check_push_access, with
/// the scopes the push will ask for: the destination's and `base_repository`'s),
/// so that a wrong password or a read-only account fails before the base is
/// read rather than after the build. `name` gives a destination without a tag
/// its tag. Throws Error naming the registry and what it answered.
void check_push_destinations(const std::vector<std::string>& destinations, const Reference& name,
                             const std::optional<Reference>& base_repository, const RegistryOptions& registry,
                             Reporter& reporter);

}  // namespace venv2docker
