// Every package the resolver may choose from (the apt sources' indexes) and
// every package the base already has (its dpkg status), indexed by name and
// by provided name so that a lookup never scans the ~63,000 packages.
#pragma once

#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "debian/package.h"

namespace venv2docker::debian {

class PackageUniverse {
 public:
  /// Adds a package from an index. A name and version already added (from an
  /// earlier source) is ignored: the first source wins, as in apt.
  void add_available(Package package);
  /// Adds a package installed in the base (one per name; a later one replaces it).
  void add_installed(Package package);

  /// The installed package of that name, or nullptr.
  const Package* installed(std::string_view name) const;
  /// The available packages of that name, highest version first.
  const std::vector<const Package*>& candidates(std::string_view name) const;
  /// The available packages that Provide `virtual_name`, in the order they were added.
  const std::vector<const Package*>& providers(std::string_view virtual_name) const;
  /// The installed packages that Provide `virtual_name`, in name order.
  const std::vector<const Package*>& installed_providers(std::string_view virtual_name) const;
  /// Every installed package, in name order.
  std::vector<const Package*> all_installed() const;
  /// Whether any package, available or installed, is called or provides `name`.
  bool knows(std::string_view name) const;

 private:
  using Index = std::map<std::string, std::vector<const Package*>, std::less<>>;

  // deque: adding never moves the packages the indexes point to.
  std::deque<Package> m_available;
  Index m_candidates;
  Index m_providers;
  std::map<std::string, Package, std::less<>> m_installed;
  Index m_installed_providers;
};

/// The list in `index` under `name`, or an empty one.
template <typename Index>
const typename Index::mapped_type& entries_of(const Index& index, std::string_view name) {
  static const typename Index::mapped_type none;
  const auto found = index.find(name);
  return found == index.end() ? none : found->second;
}

}  // namespace venv2docker::debian
