// What `apt-get install --no-install-recommends PKG...` would unpack into an
// image, decided without running anything in it.
//
// Covered, as apt does for the common cases: Pre-Depends and Depends with
// version bounds; alternatives ("a | b": one already installed or planned is
// preferred, else the first that can be met, falling back to the next);
// virtual packages through Provides, versioned Provides for versioned
// relations; the base's installed packages (Essential ones included) meet
// relations their version fits, and are upgraded when it does not (installed
// packages that the upgrade would break are upgraded too, and so are the
// other installed binaries of an upgraded package's source, as apt 2.6 does); for each name the
// highest version that every relation on it allows; Conflicts and Breaks
// among the plan and the installed packages.
// Not covered: Recommends and Suggests are never installed (as with
// --no-install-recommends, which is what image builds use); packages are
// never removed from the base, so a conflict is an error; foreign
// architectures (multiarch) are not considered.
#pragma once

#include <string>
#include <vector>

#include "debian/package_universe.h"

namespace venv2docker::debian {

struct InstallPlan {
  /// To unpack, each after what it depends on (cycles broken), deterministically.
  std::vector<const Package*> packages;
  /// What the user may want to know: upgrades of base packages, virtual
  /// packages resolved, requests already met by the base.
  std::vector<std::string> notes;
};

/// `requested` items are "name" or "name=version". Throws Error when a name is
/// unknown, a relation cannot be met (naming the package that has it and what
/// exists) or two packages conflict or break each other.
InstallPlan resolve_install(const PackageUniverse& universe, const std::vector<std::string>& requested);

}  // namespace venv2docker::debian
