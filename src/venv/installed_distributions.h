// Which distributions (name and version) a site-packages folder holds, and
// which of a planned install would land beside another version of themselves.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace venv2docker {

struct Distribution {
  std::string name;     // as spelled by its metadata or folder
  std::string version;
};

/// PEP 503 normal form, the one pip compares names in: lower case, every run
/// of '-', '_' and '.' as one '-' ("Foo__Bar.baz" -> "foo-bar-baz").
std::string normalized_distribution_name(std::string_view name);

/// The distribution a NAME-VERSION.dist-info or NAME-VERSION[-pyX.Y].egg-info
/// entry of a site-packages folder records; std::nullopt for any other name.
std::optional<Distribution> distribution_of_metadata(std::string_view entry_name);

/// The distributions installed in `site_packages`, from its NAME-VERSION.dist-info
/// and NAME-VERSION[-pyX.Y].egg-info entries. A missing folder holds none.
std::vector<Distribution> installed_distributions(const std::filesystem::path& site_packages);

struct VersionClash {
  Distribution installed;
  Distribution planned;
};

/// The planned distributions the installed set already has under the same
/// (normalised) name: installing them elsewhere would leave two versions.
std::vector<VersionClash> version_clashes(const std::vector<Distribution>& installed,
                                          const std::vector<Distribution>& planned);

}  // namespace venv2docker
