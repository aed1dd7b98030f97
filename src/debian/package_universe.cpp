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

void PackageUniverse::add_available(Package package) {
  auto& same_name = m_candidates[package.name];
  // Keep the list sorted by falling version; equal versions keep the first.
  const auto position = std::find_if(same_name.begin(), same_name.end(), [&](const Package* other) {
    return compare_versions(other->version, package.version) <= 0;
  });
  if (position != same_name.end() && compare_versions((*position)->version, package.version) == 0) return;
  const Package& stored = m_available.emplace_back(std::move(package));
  same_name.insert(position, &stored);
  index_provides(m_providers, stored);
}

void PackageUniverse::add_installed(Package package) {
  const std::string name = package.name;
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
