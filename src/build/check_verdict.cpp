#include "build/check_verdict.h"

#include "build/apt_suggestions.h"
#include "util/error.h"

namespace venv2docker {

CompatReport full_report(CompatReport checked, const std::vector<std::string>& relocation_warnings,
                         AptArchives& apt_archives, Reporter& reporter, RegistryCache* shared) {
  set_relocation_findings(checked, relocation_warnings);
  suggest_apt_packages(checked, apt_archives, reporter, shared);
  return checked;
}

// They are the report's last findings (the suggestions only add fixes), so
// they keep their place when replaced.
void set_relocation_findings(CompatReport& report, const std::vector<std::string>& relocation_warnings) {
  std::erase_if(report.findings, [](const Finding& finding) { return finding.check == "relocation"; });
  for (const auto& warning : relocation_warnings) {
    report.findings.push_back({Severity::warning, "relocation", warning, "", ""});
  }
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
