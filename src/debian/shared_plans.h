// --apt plans shared between runners through a registry cache record
// (build/registry_cache.h), in debian/install_plan_json.h's form and under
// install_plan_key's key: this folder may not include the registry cache, so
// the build passes its two calls in.
// Header only.
#pragma once

#include <functional>
#include <optional>

#include <nlohmann/json.hpp>

#include "store/digest.h"

namespace venv2docker::debian {

/// `find`: the plan a record holds under a key, unchecked; `learn`: this
/// build's plan, for the record it writes.
struct SharedPlans {
  std::function<std::optional<nlohmann::json>(const Digest&)> find;
  std::function<void(const Digest&, const nlohmann::json&)> learn;
};

}  // namespace venv2docker::debian
