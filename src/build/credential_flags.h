// --creds and --password-stdin (and VENV2DOCKER_REGISTRY_USER/_PASSWORD) as
// registry credentials: per registry (--creds REGISTRY=USER:PASSWORD, for the
// base's registry and the push target's alike), or unscoped (--creds
// USER:PASSWORD, later tied to the registry pushed to, else the base's).
#pragma once

#include <string>
#include <vector>

#include "remote/registry_options.h"

namespace venv2docker {

/// Fills `registry.creds` and `registry.creds_by_registry` from the --creds
/// values, --password-stdin (read here) and the environment. Throws
/// UsageError for two unscoped --creds, two for one registry, a REGISTRY that
/// is no registry host, or --password-stdin without exactly one user.
void apply_credential_flags(const std::vector<std::string>& creds, bool password_stdin, RegistryOptions& registry);

}  // namespace venv2docker
