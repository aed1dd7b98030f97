// --apt plans shared between runners through a registry cache record
// (build/registry_cache.h), in debian/install_plan_json.h's form and under
// install_plan_key's key: this folder may not include the registry cache, so
// the build passes its two calls in.
// Header only.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "store/digest.h"

namespace venv2docker::debian {

/// A plan as a record holds it, unchecked, and which record that is ("the
/// cache record of registry.example.com/team/app-cache:main"), for messages.
struct SharedPlan {
  nlohmann::json plan;
  std::string where;
};

/// `find`: the plan a record holds under a key; `learn`: this build's plan,
/// for the record it writes.
struct SharedPlans {
  std::function<std::optional<SharedPlan>(const Digest&)> find;
  std::function<void(const Digest&, const nlohmann::json&)> learn;
};

}  // namespace venv2docker::debian
