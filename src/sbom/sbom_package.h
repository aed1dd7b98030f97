// One software package as the SBOM lists it, whatever its origin (a Python
// distribution, a Debian package, the interpreter).
// Header only.
#pragma once

#include <optional>
#include <string>

namespace venv2docker {

struct SbomPackage {
  std::string name;
  std::string version;
  std::string purl;            // "pkg:pypi/requests@2.31.0"
  /// An SPDX license expression, "LicenseRef-..." for text that is not one,
  /// or "NOASSERTION" when the package says nothing.
  std::string license = "NOASSERTION";
  /// The text a LicenseRef stands for (hasExtractedLicensingInfos).
  std::optional<std::string> license_text;
  std::string origin;          // "python", "deb" or "interpreter": part of its SPDX id
};

}  // namespace venv2docker
