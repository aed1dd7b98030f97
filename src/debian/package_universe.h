// Every package the resolver may choose from (the apt sources' indexes) and
// every package the base already has (its dpkg status), indexed by name and
// by provided name so that a lookup never scans the ~63,000 packages; and
// which version of each apt's policy makes the candidate (docs/apt.md).
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
  /// Adds a package from an index, with its source's pin priority in
  /// `package.pin_priority`. A name and version already added (from an
  /// earlier source) keeps the first source's record, as in apt, and the
  /// higher of the two pin priorities (apt's priority of a version is that of
  /// its best source).
  void add_available(Package package);
  /// Adds a package installed in the base (one per name; a later one
  /// replaces it). Add them after the available ones, as apt reads dpkg's
  /// status after the sources.
  void add_installed(Package package);

  /// The installed package of that name, or nullptr.
  const Package* installed(std::string_view name) const;
  /// The available packages of that name, highest version first.
  const std::vector<const Package*>& candidates(std::string_view name) const;
  /// The version apt's policy installs for `name` (pkgPolicy::GetCandidateVer):
  /// the highest pin priority, the highest version among equals, never below
  /// the installed version. The installed package itself when that is the
  /// candidate; nullptr when nothing has that name.
  const Package* candidate(std::string_view name) const;
  /// Where apt's cache generator first met `name` (as a package or in a
  /// relation): apt numbers packages in that order and, among providers that
  /// tie on everything else, prefers the later one.
  std::size_t first_mention(std::string_view name) const;
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
  void mention(const std::vector<std::string>& names);

  std::deque<Package> m_available;
  std::map<std::string, std::size_t, std::less<>> m_first_mention;
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
