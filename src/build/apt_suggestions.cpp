#include "build/apt_suggestions.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "debian/package_naming.h"
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

struct AptAnswers {
  std::map<std::string, std::string> libraries;      // soname -> package
  std::map<std::string, std::string> distributions;  // Python distribution -> package
};

nlohmann::json answers_json(const AptAnswers& answers) {
  return {{"libraries", answers.libraries}, {"distributions", answers.distributions}};
}

// The answers a record holds, when of answers_json's shape with package names only.
std::optional<AptAnswers> answers_from(const nlohmann::json& json) {
  AptAnswers answers;
  try {
    for (const auto& [name, package] : json.at("libraries").items()) answers.libraries[name] = package.get<std::string>();
    for (const auto& [name, package] : json.at("distributions").items()) {
      answers.distributions[name] = package.get<std::string>();
    }
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
  for (const auto* map : {&answers.libraries, &answers.distributions}) {
    for (const auto& [name, package] : *map) {
      if (!debian::is_debian_package_name(package)) return std::nullopt;
    }
  }
  return answers;
}

// Which packages provide `sonames` and `distributions`: from a registry cache
// record made from the same signed Releases, base and question (the Releases
// are read, one request per source, but no Packages index), else from the
// sources' catalog.
AptAnswers apt_answers(AptArchives& archives, const std::vector<std::string>& sonames,
                       const std::vector<std::string>& distributions, RegistryCache* shared) {
  std::optional<Digest> key;
  if (shared) {
    std::vector<std::string> question{"package suggestions v1", "libraries:"};
    question.insert(question.end(), sonames.begin(), sonames.end());
    question.push_back("distributions:");
    question.insert(question.end(), distributions.begin(), distributions.end());
    key = archives.answers_key(question);
    if (std::optional<nlohmann::json> found = shared->find_apt_answers(*key)) {
      if (std::optional<AptAnswers> answers = answers_from(*found)) {
        shared->learn_apt_answers(*key, answers_json(*answers));
        return *answers;
      }
    }
  }
  AptAnswers answers;
  if (!sonames.empty()) answers.libraries = archives.packages_for_libraries(sonames);
  if (!distributions.empty()) answers.distributions = archives.packages_for_python_distributions(distributions);
  if (key) shared->learn_apt_answers(*key, answers_json(answers));
  return answers;
}

}  // namespace

void suggest_apt_packages(CompatReport& report, AptArchives& archives, Reporter& reporter, RegistryCache* shared) {
  std::vector<Finding*> libraries;
  Finding* distributions = nullptr;
  for (auto& finding : report.findings) {
    if (finding.subject.empty()) continue;
    if (finding.check == "missing-library") libraries.push_back(&finding);
    if (finding.check == "system-site-packages") distributions = &finding;
  }
  if ((libraries.empty() && !distributions) || !archives.usable()) return;
  try {
    std::vector<std::string> sonames;
    for (const Finding* finding : libraries) sonames.push_back(finding->subject);
    const AptAnswers answers =
        apt_answers(archives, sonames, distributions ? split_words(distributions->subject) : std::vector<std::string>{},
                    shared);
    suggest_for_libraries(libraries, answers.libraries);
    if (distributions) suggest_for_distributions(*distributions, answers.distributions);
  } catch (const Error& error) {
    reporter.warning(std::string("cannot look up which Debian packages provide what the image lacks: ") + error.what());
  }
}

}  // namespace venv2docker
