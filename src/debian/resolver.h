// What `apt-get install --no-install-recommends PKG...` would unpack into an
// image, decided without running anything in it, the way apt decides
// (docs/apt.md, "How the choice is made").
//
// Covered: Pre-Depends and Depends with version bounds; for each name the
// version apt's policy makes the candidate (pin priorities from each
// source's Release: 500, or 100/1 for NotAutomatic suites; never below the
// installed version), or the one asked for with name=version; requested
// packages marked before their dependencies are met; alternatives and
// virtual packages as apt orders them ("a | b": one already installed or
// planned meets it; else, per alternative, the candidates of the package
// and of its providers in apt's provider order, upgrades of installed
// packages first; one whose own dependencies fail is undone and the next
// tried); versioned Provides for versioned relations; a requested virtual
// package with one provider selects it, with several is an error; the base's
// installed packages (Essential ones included) meet relations their version
// fits, and are upgraded to their candidate when it does not (installed
// packages that the upgrade would break are upgraded too, and so are the
// other installed binaries of an upgraded package's source, as apt 2.6
// does); Conflicts and Breaks among the plan and the installed packages.
// Not covered: Recommends and Suggests are never installed (as with
// --no-install-recommends, which is what image builds use); packages are
// never removed from the base, so a conflict is an error; apt preferences
// files and foreign architectures (multiarch) are not considered.
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
