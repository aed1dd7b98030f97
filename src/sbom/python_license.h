// The license a Python distribution declares, as an SPDX expression: what
// PEP 639's License-Expression says, else the License field, else the
// trove classifiers; text that is no SPDX identifier becomes a LicenseRef
// carrying that text, so nothing the package said is lost or invented.
#pragma once

#include <optional>
#include <string>

#include "venv/core_metadata.h"

namespace venv2docker {

struct DeclaredLicense {
  std::string expression = "NOASSERTION";
  std::optional<std::string> text;  // what a LicenseRef expression stands for
};

DeclaredLicense declared_license(const CoreMetadata& metadata);

/// "LicenseRef-" and a name made of `text`'s digest: the same text always
/// gets the same id, so packages that share a license text share its entry.
std::string license_ref_for(const std::string& text);

}  // namespace venv2docker
