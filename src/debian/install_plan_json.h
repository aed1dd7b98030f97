// A resolved --apt plan as JSON, the one form both the local plan cache
// (install_plan_cache.h) and the registry cache record (docs/registry-cache.md)
// keep. A plan read back may come from another machine, so reading it checks
// every field the build will act on: what is fetched, from where, and what it
// must hash to.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "debian/apt_catalog.h"
#include "debian/package.h"

namespace venv2docker::debian {

/// The packages to unpack, in order (name, version, architecture, Multi-Arch,
/// the .deb's path, size and SHA-256, installed size, archive), and the Date of
/// each source's Release the plan was made from.
nlohmann::json install_plan_json(const std::vector<Package>& packages, const std::vector<SourceRelease>& releases);

/// The packages of a plan in install_plan_json's form, made from `releases`
/// (the Releases read now) for `arch`. Throws Error naming `where` when it is
/// of another shape, names something that is not a Debian package name or
/// version, an architecture other than `arch` or "all", a SHA-256 that is not
/// 64 lower-case hex digits, a .deb path that leaves the archive, or an archive
/// that is none of the sources; or when its Releases' Dates are not those of
/// `releases`.
std::vector<Package> install_plan_from_json(const nlohmann::json& plan, const std::vector<SourceRelease>& releases,
                                            const std::string& arch, const std::string& where);

}  // namespace venv2docker::debian
