#include "debian/request_target.h"

#include <algorithm>
#include <vector>

#include "debian/version.h"
#include "util/error.h"
#include "util/text_util.h"

namespace venv2docker::debian {

namespace {

// "name=version": that version, from the sources or the base.
const Package* version_asked_for(const PackageUniverse& universe, const Relation& relation) {
  const auto* base = universe.installed(relation.name);
  if (base && compare_versions(base->version, relation.version) == 0) return base;
  std::vector<std::string> versions;
  for (const auto* available : universe.candidates(relation.name)) {
    if (compare_versions(available->version, relation.version) == 0) return available;
    versions.push_back(available->version);
  }
  throw Error("no version " + relation.version + " of \"" + relation.name + "\" in the apt sources" +
                  (versions.empty() ? std::string() : " (they have " + join_with(versions, ", ") + ")"),
              "ask for one of the versions the sources have, or leave the version out");
}

// Every version of `name`, its candidate first.
std::vector<const Package*> versions_of(const PackageUniverse& universe, const std::string& name) {
  std::vector<const Package*> versions;
  if (const auto* candidate = universe.candidate(name)) versions.push_back(candidate);
  for (const auto* available : universe.candidates(name)) {
    if (std::find(versions.begin(), versions.end(), available) == versions.end()) versions.push_back(available);
  }
  if (const auto* base = universe.installed(name); base && (versions.empty() || versions.front() != base)) {
    versions.push_back(base);
  }
  return versions;
}

// Whether asking for the virtual `relation` may select `version`: a candidate
// that provides the name, or any version that provides exactly "= version".
bool selectable(const PackageUniverse& universe, const Package& version, const Relation& relation) {
  if (relation.op != VersionOp::equal) {
    return &version == universe.candidate(version.name) && provides_for(version, relation);
  }
  for (const auto& provided : version.provides) {
    if (provided.name == relation.name && provided.op == VersionOp::equal && provided.version == relation.version) {
      return true;
    }
  }
  return false;
}

RequestTarget select_provider(const PackageUniverse& universe, const Relation& relation) {
  std::vector<const Package*> selected;
  std::vector<std::string> names;
  const auto consider = [&](const Package& provider) {
    if (std::find(names.begin(), names.end(), provider.name) != names.end()) return;
    for (const auto* version : versions_of(universe, provider.name)) {
      if (!selectable(universe, *version, relation)) continue;
      selected.push_back(version);
      names.push_back(version->name);
      return;
    }
  };
  for (const auto* provider : universe.providers(relation.name)) consider(*provider);
  for (const auto* provider : universe.installed_providers(relation.name)) consider(*provider);
  if (names.size() > 1) {
    throw Error("\"" + relation.name + "\" is a virtual package provided by " + join_with(names, ", "),
                "name one of them in --apt");
  }
  if (names.empty()) {
    if (relation.op == VersionOp::equal) {
      throw Error("no package provides \"" + relation.name + "\" in the version asked for (" + relation.version + ")",
                  "leave the version out, or ask for a package that provides it");
    }
    throw Error("no candidate version of a package provides \"" + relation.name + "\"",
                "ask for a package that provides it, in the version that does");
  }
  const Package* package = selected.front();
  const bool installed = package == universe.installed(package->name);
  return {relation, package, true,
          installed ? relation.name + " is provided by " + package->label() + ", already installed in the base"
                    : "selecting " + package->label() + " for the virtual package " + relation.name};
}

}  // namespace

RequestTarget request_target(const PackageUniverse& universe, const std::string& item) {
  const auto equals = item.find('=');
  Relation relation;
  relation.name = item.substr(0, equals);
  if (equals != std::string::npos) {
    relation.op = VersionOp::equal;
    relation.version = item.substr(equals + 1);
  }
  if (!universe.knows(relation.name)) {
    throw Error("no package \"" + relation.name + "\" in the apt sources",
                "check the name (apt-cache search on a matching system), or add a source with --apt-source");
  }
  if (universe.candidates(relation.name).empty() && !universe.installed(relation.name)) {
    return select_provider(universe, relation);
  }
  const Package* package = relation.op == VersionOp::equal ? version_asked_for(universe, relation)
                                                             : universe.candidate(relation.name);
  const bool installed = package == universe.installed(package->name);
  return {relation, package, false, installed ? package->label() + " is already installed in the base" : ""};
}

}  // namespace venv2docker::debian
