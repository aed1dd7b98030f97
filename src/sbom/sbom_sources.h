// Where the SBOM's packages come from: the venv's distributions (each one's
// dist-info or egg-info), dpkg's status file, the interpreter a build adds.
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "sbom/sbom_package.h"
#include "venv/venv.h"

namespace venv2docker {

/// Every distribution installed in `site_packages` (its .dist-info and
/// .egg-info entries), sorted by normal name: name and version from its
/// metadata (else from the entry's name), the license it declares, its purl.
/// Throws Error naming a metadata file that cannot be read.
std::vector<SbomPackage> python_packages(const std::filesystem::path& site_packages);

/// The packages dpkg's status file `status` says are installed, sorted by
/// name and architecture, with their deb purls. Entries without a Package or
/// Version are skipped: dpkg would not list them either. `origin` names the
/// file in errors (a line that is no deb822 throws Error).
std::vector<SbomPackage> dpkg_packages(std::string_view status, std::string_view origin);

/// The interpreter --python-from host adds: python at the version the venv's
/// pyvenv.cfg records.
SbomPackage interpreter_package(const Venv& venv);

}  // namespace venv2docker
