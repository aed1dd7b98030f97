// Outputs checked before the long work: a destination that is a file where a
// folder must be (or the reverse), or a folder that cannot be written, is
// found before the base is read, and the error names the destination as the
// user gave it, not a temporary beside it.
#pragma once

#include <string>
#include <vector>

namespace venv2docker {

/// Checks each "oci:DIR[:TAG]" and "docker-archive:FILE" destination (others
/// are checked where they are written): the output's folder, or the nearest
/// one above it that exists, is a folder this process can create files in.
/// Throws Error naming the destination and the path at fault.
void check_output_destinations(const std::vector<std::string>& destinations);

}  // namespace venv2docker
