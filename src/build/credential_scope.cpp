#include "build/credential_scope.h"

#include "build/load_base_image.h"
#include "image/reference.h"

namespace venv2docker {

RegistryOptions scope_credentials(RegistryOptions registry, const std::optional<std::string>& pushed_to,
                                  const std::string& base) {
  if (!registry.creds || !registry.creds_registry.empty()) return registry;
  if (pushed_to) {
    registry.creds_registry = *pushed_to;
  } else if (auto reference = is_registry_base(base) ? Reference::parse(base) : std::nullopt) {
    registry.creds_registry = reference->registry;
  }
  return registry;
}

}  // namespace venv2docker
