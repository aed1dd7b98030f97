// Which of several packages apt tries first to meet one relation
// (CompareProviders in apt-pkg/depcache.cc), for one architecture.
#pragma once

#include <functional>
#include <string_view>

#include "debian/package_universe.h"

namespace venv2docker::debian {

/// A strict weak order of candidate versions that can each meet a relation on
/// `target`: true when apt tries `a` before `b`. In apt's order: a package
/// asked for on the command line (`is_requested`); a Multi-Arch: same
/// package already installed; one already installed; the package called
/// `target` itself over its providers; Essential; Important (or Protected);
/// the lower Priority rank; and last the package apt's cache generator met
/// later (PackageUniverse::first_mention).
class ProviderOrder {
 public:
  ProviderOrder(const PackageUniverse& universe, std::string_view target,
                std::function<bool(std::string_view)> is_requested)
      : m_universe(universe), m_target(target), m_is_requested(std::move(is_requested)) {}

  bool operator()(const Package* a, const Package* b) const;

 private:
  const PackageUniverse& m_universe;
  std::string_view m_target;
  std::function<bool(std::string_view)> m_is_requested;
};

}  // namespace venv2docker::debian
