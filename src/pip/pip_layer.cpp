#include "pip/pip_layer.h"

#include "pip/pip_install.h"
#include "util/error.h"
#include "util/text_util.h"
#include "walk/tree_walk.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

// pip --prefix on the venv's behalf would uninstall the venv's own copy of a
// distribution it replaces, and the image would hold both: refuse up front.
void refuse_version_clashes(const Venv& venv, const fs::path& requirements, const std::vector<Distribution>& planned) {
  const auto clashes = version_clashes(installed_distributions(venv.site_packages), planned);
  if (clashes.empty()) return;
  std::string listed;
  for (const VersionClash& clash : clashes) {
    listed += "\n  " + clash.planned.name + " " + clash.planned.version + " (the venv has " + clash.installed.version +
              ")";
  }
  throw Error("--pip " + requirements.string() +
                  " would install distributions the venv already has at another version; the image would hold both:" +
                  listed,
              "install these into the venv itself, or pin the venv's versions in " + requirements.string());
}

}  // namespace

PipStaging stage_pip_requirements(const Venv& venv, const fs::path& requirements, const fs::path& scratch) {
  if (!fs::is_regular_file(requirements)) {
    throw UsageError("--pip " + requirements.string() + " is not a file", "name a pip requirements file");
  }
  require_venv_pip(venv);
  PipStaging staging{requirements, std::make_unique<ScratchFolder>(scratch, "pip-staging"), {}, {}};
  const std::vector<Distribution> planned =
      plan_pip_install(venv, requirements, staging.prefix(), staging.folder->path() / "report.json");
  if (planned.empty()) return staging;
  refuse_version_clashes(venv, requirements, planned);
  const std::string said = run_pip_install(venv, requirements, staging.prefix());
  for (const std::string& line : split_nonempty(said, '\n')) {
    if (!trim(line).empty()) staging.pip_warnings.push_back("pip: " + trim(line));
  }
  staging.installed = planned;
  return staging;
}

std::vector<LayerEntry> pip_layer_entries(const PipStaging& staging, const Venv& venv, RelocationParams params,
                                          std::vector<std::string>& warnings) {
  if (staging.installed.empty()) return {};
  // Same layout under the prefix as in the venv (lib/python3.X/site-packages, bin).
  WalkOptions walk{staging.prefix(), params.venv_destination, {}, {}};
  std::vector<LayerEntry> entries = walk_tree(walk, warnings);
  params.install_prefix = staging.prefix();
  // Its files are new on every build: the venv's scan memo does not apply.
  params.text_scan_memo = nullptr;
  RelocationResult relocated = relocate_installed_files(venv, entries, params);
  entries.insert(entries.end(), relocated.extra_entries.begin(), relocated.extra_entries.end());
  warnings.insert(warnings.end(), relocated.warnings.begin(), relocated.warnings.end());
  return entries;
}

std::string describe_distributions(const std::vector<Distribution>& distributions) {
  std::string text;
  for (const Distribution& distribution : distributions) {
    text += (text.empty() ? "" : ", ") + distribution.name + " " + distribution.version;
  }
  return text;
}

}  // namespace venv2docker
