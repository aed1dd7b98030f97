// dpkg's database for the packages we unpack, so `dpkg -l`, `dpkg -L` and a
// later apt-get inside the container see them: the base's status file with
// our entries merged in, and info/<package>.list, .md5sums, .conffiles and
// the maintainer scripts.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "debian/deb822.h"
#include "debian/maintainer_scripts.h"
#include "tar/layer_entry.h"

namespace venv2docker::debian {

/// dpkg's status file, as an image path: the packages a Debian image holds.
inline constexpr const char* k_dpkg_status_path = "/var/lib/dpkg/status";

struct InstalledPackage {
  Paragraph control;                                   // the .deb's control file
  std::map<std::string, std::string> control_files;    // postinst, md5sums, conffiles, ...
  std::vector<std::string> paths;                      // as the package names them, in order
};

/// The name dpkg files a package's info under: "jq", or "libblas3:amd64" for
/// Multi-Arch: same packages.
std::string dpkg_info_name(const Paragraph& control);

/// Entries for /var/lib/dpkg/status (the base's `base_status`, where a
/// package we install replaces its old entry) and /var/lib/dpkg/info/*.
std::vector<LayerEntry> dpkg_database_entries(std::string_view base_status, const std::vector<InstalledPackage>& packages);

/// Entries that do what `update-alternatives --install` would have: the
/// links LINK -> /etc/alternatives/NAME -> PATH for the highest-priority
/// choice of each name, and /var/lib/dpkg/alternatives/NAME. Names the base
/// already manages (`base_managed`) are left alone and listed in `skipped`.
std::vector<LayerEntry> alternatives_entries(const std::vector<Alternative>& alternatives,
                                             const std::vector<std::string>& base_managed,
                                             std::vector<std::string>& skipped);

}  // namespace venv2docker::debian
