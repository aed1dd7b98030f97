// What the checks conclude for the build: the report as the user sees it,
// and whether the build goes on.
#pragma once

#include <string>
#include <vector>

#include "build/registry_cache.h"
#include "compat/compat_check.h"
#include "debian/apt_archives.h"
#include "util/error.h"
#include "util/reporter.h"

namespace venv2docker {

/// The checks found that the venv cannot run on the base (and no --force):
/// main() exits 1 for these, as for --check with errors, apart from builds
/// that could not be done at all (3).
class CheckError : public Error {
 public:
  using Error::Error;
};

/// `checked` (the checks' report) with each relocation warning as a finding,
/// and the fixes that name an --apt package (build/apt_suggestions.h; their
/// answers shared through `shared`, which may be null).
CompatReport full_report(CompatReport checked, const std::vector<std::string>& relocation_warnings,
                         AptArchives& apt_archives, Reporter& reporter, RegistryCache* shared);

/// `report`'s relocation findings made those of `relocation_warnings`: the
/// venv stage's final warnings, which change when it relocated again while
/// its layers were written (finish_venv_layers).
void set_relocation_findings(CompatReport& report, const std::vector<std::string>& relocation_warnings);

/// Throws CheckError listing the report when it holds an error and not `force`;
/// else reports each finding but relocation's (printed with the layers) as a
/// warning.
void require_fit(const CompatReport& report, bool force, Reporter& reporter);

}  // namespace venv2docker
