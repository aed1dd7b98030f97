#include "debian/provider_order.h"

#include <tuple>

namespace venv2docker::debian {

namespace {

// apt's cache generator marks apt itself Essential and Important
// (pkgCacheGen::ForceEssential), whatever its stanza says.
bool is_apt(const Package& package) { return package.name == "apt"; }

}  // namespace

bool ProviderOrder::operator()(const Package* a, const Package* b) const {
  // Each key is "larger is preferred", so the tuples compare the other way round.
  const auto keys = [&](const Package& package) {
    const bool installed = m_universe.installed(package.name) != nullptr;
    return std::make_tuple(m_is_requested(package.name), package.multi_arch == "same" && installed, installed,
                           package.name == m_target, package.essential || is_apt(package),
                           package.important || is_apt(package), -package.priority_rank,
                           m_universe.first_mention(package.name));
  };
  return keys(*a) > keys(*b);
}

}  // namespace venv2docker::debian
