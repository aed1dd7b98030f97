#include "build/check_verdict.h"

#include "build/apt_suggestions.h"
#include "util/error.h"

namespace venv2docker {

CompatReport full_report(CompatReport checked, const std::vector<std::string>& relocation_warnings,
                         AptArchives& apt_archives, Reporter& reporter, RegistryCache* shared) {
  for (const auto& warning : relocation_warnings) {
    checked.findings.push_back({Severity::warning, "relocation", warning, "", ""});
  }
  suggest_apt_packages(checked, apt_archives, reporter, shared);
  return checked;
}

void require_fit(const CompatReport& report, bool force, Reporter& reporter) {
  if (report.has_errors() && !force) {
    throw CheckError("the venv cannot run on this base image:\n" + report.text(),
                "fix what is listed, or pass --force to build anyway");
  }
  for (const auto& finding : report.findings) {
    if (finding.check != "relocation") {
      reporter.warning(finding.message + (finding.fix.empty() ? "" : " (" + finding.fix + ")"));
    }
  }
}

}  // namespace venv2docker
