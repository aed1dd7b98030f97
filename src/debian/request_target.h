// What one --apt request item names, as apt-get install reads it: the
// candidate of a package, a version asked for with name=version, or the one
// provider of a virtual package.
#pragma once

#include <string>

#include "debian/package_universe.h"
#include "debian/relations.h"

namespace venv2docker::debian {

struct RequestTarget {
  /// The item as a relation: "name", or "name (= version)".
  Relation relation;
  /// The version to install, or the installed package when the base has it already.
  const Package* package = nullptr;
  /// The item named a virtual package.
  bool is_virtual = false;
  /// What the user may want to know ("selecting X for the virtual package Y"), or "".
  std::string note;
};

/// `item` is "name" or "name=version". A real package gives its candidate
/// (PackageUniverse::candidate) or the version asked for, from the sources
/// or the base. A name only provided gives its provider when the providers'
/// candidates that provide it (for "name=version", any version of theirs
/// whose Provides says "= version") are all one package, as apt-get's
/// tryVirtualPackage does. Throws Error for an unknown name, a version no
/// source has, or a virtual package with no such provider or several (each
/// named once).
RequestTarget request_target(const PackageUniverse& universe, const std::string& item);

}  // namespace venv2docker::debian
