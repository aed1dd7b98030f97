// --creds name one registry: the one pushed to, else the base's. They are
// never sent anywhere else.
#pragma once

#include <optional>
#include <string>

#include "remote/registry_options.h"

namespace venv2docker {

/// `registry` with --creds tied to `pushed_to` (see registry_pushed_to), else
/// to the registry of `base` (the --base value) when that is a registry image.
/// Credentials already tied to a registry, or none, stay as they are.
RegistryOptions scope_credentials(RegistryOptions registry, const std::optional<std::string>& pushed_to,
                                  const std::string& base);

}  // namespace venv2docker
