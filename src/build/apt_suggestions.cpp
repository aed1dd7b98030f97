#include "build/apt_suggestions.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "util/error.h"
#include "util/text_util.h"

namespace venv2docker {

namespace {

std::string joined(const std::vector<std::string>& items, const std::string& separator) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : separator) + item;
  return text;
}

void suggest_for_libraries(std::vector<Finding*> findings, const std::map<std::string, std::string>& packages) {
  for (Finding* finding : findings) {
    auto package = packages.find(finding->subject);
    if (package == packages.end()) continue;
    finding->fix = "add --apt " + package->second + " (the Debian package with " + finding->subject +
                   " in the base's apt sources), or use a base that has it";
  }
}

// One --apt list for every distribution a package provides; the others keep
// the venv-side fix.
void suggest_for_distributions(Finding& finding, const std::map<std::string, std::string>& packages) {
  std::vector<std::string> to_add, provided, others;
  for (const auto& name : split_words(finding.subject)) {
    auto package = packages.find(name);
    if (package == packages.end()) {
      others.push_back(name);
      continue;
    }
    provided.push_back(name);
    if (std::find(to_add.begin(), to_add.end(), package->second) == to_add.end()) to_add.push_back(package->second);
  }
  if (to_add.empty()) return;
  std::string fix = "add --apt " + joined(to_add, ",") + " (the Debian packages for " + joined(provided, ", ") +
                    " in the base's apt sources)";
  if (!others.empty()) {
    fix += "; " + joined(others, ", ") + (others.size() == 1 ? " has" : " have") +
           " no Debian package there: install " + (others.size() == 1 ? "it" : "them") +
           " into the venv with pip, or recreate the venv without --system-site-packages";
  }
  finding.fix = fix;
}

}  // namespace

void suggest_apt_packages(CompatReport& report, AptArchives& archives, Reporter& reporter) {
  std::vector<Finding*> libraries;
  Finding* distributions = nullptr;
  for (auto& finding : report.findings) {
    if (finding.subject.empty()) continue;
    if (finding.check == "missing-library") libraries.push_back(&finding);
    if (finding.check == "system-site-packages") distributions = &finding;
  }
  if ((libraries.empty() && !distributions) || !archives.usable()) return;
  try {
    if (!libraries.empty()) {
      std::vector<std::string> sonames;
      for (const Finding* finding : libraries) sonames.push_back(finding->subject);
      suggest_for_libraries(libraries, archives.packages_for_libraries(sonames));
    }
    if (distributions) {
      suggest_for_distributions(*distributions,
                                archives.packages_for_python_distributions(split_words(distributions->subject)));
    }
  } catch (const Error& error) {
    reporter.warning(std::string("cannot look up which Debian packages provide what the image lacks: ") + error.what());
  }
}

}  // namespace venv2docker
