#include "debian/package_universe.h"

#include <algorithm>

#include "debian/version.h"

namespace venv2docker::debian {

namespace {

// Lists each provided name once per package, even when Provides repeats it
// with several versions.
template <typename Index>
void index_provides(Index& index, const Package& package) {
  for (const auto& provided : package.provides) {
    auto& providers = index[provided.name];
    if (providers.empty() || providers.back() != &package) providers.push_back(&package);
  }
}

}  // namespace

void PackageUniverse::mention(const std::vector<std::string>& names) {
  for (const auto& name : names) m_first_mention.emplace(name, m_first_mention.size());
}

void PackageUniverse::add_available(Package package) {
  auto& same_name = m_candidates[package.name];
  // Keep the list sorted by falling version; equal versions keep the first.
  const auto position = std::find_if(same_name.begin(), same_name.end(), [&](const Package* other) {
    return compare_versions(other->version, package.version) <= 0;
  });
  if (position != same_name.end() && compare_versions((*position)->version, package.version) == 0) {
    // m_available owns the package; the indexes only hand out const views of it.
    auto& kept = const_cast<Package&>(**position);
    kept.pin_priority = std::max(kept.pin_priority, package.pin_priority);
    return;
  }
  // apt parses a new version's relations, and only a new version's.
  m_first_mention.emplace(package.name, m_first_mention.size());
  mention(package.mentioned);
  package.mentioned = {};
  const Package& stored = m_available.emplace_back(std::move(package));
  same_name.insert(position, &stored);
  index_provides(m_providers, stored);
}

void PackageUniverse::add_installed(Package package) {
  const std::string name = package.name;
  m_first_mention.emplace(name, m_first_mention.size());
  mention(package.mentioned);
  package.mentioned = {};
  package.pin_priority = k_pin_installed;
  if (const auto* previous = installed(name)) {
    for (const auto& provided : previous->provides) {
      auto& providers = m_installed_providers[provided.name];
      std::erase(providers, previous);
    }
  }
  m_installed.insert_or_assign(name, std::move(package));
  const Package& stored = m_installed.find(name)->second;
  index_provides(m_installed_providers, stored);
  // Installed providers are listed in name order, whatever the order they came in.
  for (const auto& provided : stored.provides) {
    auto& providers = m_installed_providers[provided.name];
    std::sort(providers.begin(), providers.end(), [](const Package* a, const Package* b) { return a->name < b->name; });
  }
}

const Package* PackageUniverse::installed(std::string_view name) const {
  const auto found = m_installed.find(name);
  return found == m_installed.end() ? nullptr : &found->second;
}

const std::vector<const Package*>& PackageUniverse::candidates(std::string_view name) const {
  return entries_of(m_candidates, name);
}

const Package* PackageUniverse::candidate(std::string_view name) const {
  const Package* base = installed(name);
  const Package* best = nullptr;
  int best_pin = 0;
  // Versions from the highest down; the first with a pin priority above all
  // before it wins. Below the installed version only a pin of 1000 or more
  // (a downgrade) could win, and no default pin is that high.
  const auto consider = [&](const Package& version, int pin) {
    if (pin <= best_pin) return;
    if (base && compare_versions(version.version, base->version) < 0) return;
    best = &version;
    best_pin = pin;
  };
  bool base_seen = base == nullptr;
  for (const Package* available : candidates(name)) {
    if (!base_seen) {
      const int order = compare_versions(available->version, base->version);
      if (order == 0) {
        // One version, from the sources and from dpkg's status: its best pin.
        consider(*base, std::max(available->pin_priority, base->pin_priority));
        base_seen = true;
        continue;
      }
      if (order < 0) {
        consider(*base, base->pin_priority);
        base_seen = true;
      }
    }
    consider(*available, available->pin_priority);
  }
  if (!base_seen) consider(*base, base->pin_priority);
  return best;
}

std::size_t PackageUniverse::first_mention(std::string_view name) const {
  const auto found = m_first_mention.find(name);
  return found == m_first_mention.end() ? m_first_mention.size() : found->second;
}

const std::vector<const Package*>& PackageUniverse::providers(std::string_view virtual_name) const {
  return entries_of(m_providers, virtual_name);
}

const std::vector<const Package*>& PackageUniverse::installed_providers(std::string_view virtual_name) const {
  return entries_of(m_installed_providers, virtual_name);
}

std::vector<const Package*> PackageUniverse::all_installed() const {
  std::vector<const Package*> packages;
  packages.reserve(m_installed.size());
  for (const auto& [name, package] : m_installed) packages.push_back(&package);
  return packages;
}

bool PackageUniverse::knows(std::string_view name) const {
  return m_candidates.contains(name) || m_providers.contains(name) || m_installed.contains(name) ||
         m_installed_providers.contains(name);
}

}  // namespace venv2docker::debian
