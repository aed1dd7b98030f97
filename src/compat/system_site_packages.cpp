#include "compat/system_site_packages.h"

#include <algorithm>
#include <map>
#include <set>
#include <system_error>

#include "tar/image_path.h"
#include "util/text_util.h"
#include "venv/installed_distributions.h"

namespace venv2docker {

namespace fs = std::filesystem;

bool includes_system_site_packages(const Venv& venv) {
  const auto setting = venv.config.find("include-system-site-packages");
  return setting != venv.config.end() && ascii_lower(setting->second) == "true";
}

std::vector<std::string> system_site_folders(const std::string& prefix, const std::string& python_tag) {
  const std::string versioned = "python" + python_tag;
  // Inside a venv, Debian's site.py lists the upstream folder first and then
  // its own three (see site.getsitepackages in /usr/lib/python3.X/site.py).
  return {join_image_path(prefix, "lib/" + versioned + "/site-packages"),
          join_image_path(prefix, "local/lib/" + versioned + "/dist-packages"),
          join_image_path(prefix, "lib/python3/dist-packages"),
          join_image_path(prefix, "lib/" + versioned + "/dist-packages")};
}

fs::path host_base_prefix(const Venv& venv) {
  const fs::path landmark = fs::path("lib") / ("python" + venv.python_tag()) / "os.py";
  std::error_code error;
  for (fs::path folder = venv.home; !folder.empty(); folder = folder.parent_path()) {
    if (fs::exists(folder / landmark, error)) return folder;
    if (folder == folder.root_path()) break;
  }
  return venv.home.parent_path();
}

std::vector<SystemDistribution> host_system_distributions(const Venv& venv) {
  std::vector<SystemDistribution> found;
  if (!includes_system_site_packages(venv)) return found;
  std::set<std::string> seen;  // PEP 503 names: the venv's own, then each one listed
  for (const Distribution& own : installed_distributions(venv.site_packages)) {
    seen.insert(normalized_distribution_name(own.name));
  }
  for (const std::string& folder : system_site_folders(host_base_prefix(venv).string(), venv.python_tag())) {
    std::vector<Distribution> listed = installed_distributions(folder);
    // A directory lists in no particular order; the report should not vary.
    std::sort(listed.begin(), listed.end(), [](const Distribution& a, const Distribution& b) { return a.name < b.name; });
    for (Distribution& distribution : listed) {
      if (!seen.insert(normalized_distribution_name(distribution.name)).second) continue;
      found.push_back({std::move(distribution.name), std::move(distribution.version), folder});
    }
  }
  return found;
}

namespace {

// The PEP 503 names of the distributions the image holds in `folders`.
std::set<std::string> image_distribution_names(const FileIndex& files, const std::vector<std::string>& folders) {
  std::set<std::string> names;
  for (const std::string& folder : folders) {
    const std::optional<std::string> resolved = files.resolve(folder);
    if (!resolved) continue;
    // A layer need not list a folder before its files: the entry right
    // under `folder` is the first component of any path below it.
    for (const std::string& path : files.under(*resolved)) {
      const std::string_view below = std::string_view(path).substr(resolved->size() + 1);
      if (auto distribution = distribution_of_metadata(below.substr(0, below.find('/')))) {
        names.insert(normalized_distribution_name(distribution->name));
      }
    }
  }
  return names;
}

}  // namespace

std::optional<Finding> system_site_finding(const Venv& venv, const std::vector<SystemDistribution>& host,
                                           const FileIndex& image_files, const std::string& interpreter) {
  const std::string image_prefix = image_parent_of(image_parent_of(interpreter));
  const std::set<std::string> in_image =
      image_distribution_names(image_files, system_site_folders(image_prefix, venv.python_tag()));
  std::map<std::string, std::string> listed_by_folder;  // folder -> "numpy 1.24.2, six 1.16.0"
  std::string names, pins;
  std::size_t missing = 0;
  for (const SystemDistribution& distribution : host) {
    if (in_image.contains(normalized_distribution_name(distribution.name))) continue;
    std::string& listed = listed_by_folder[distribution.folder];
    listed += (listed.empty() ? "" : ", ") + distribution.name + " " + distribution.version;
    names += (names.empty() ? "" : " ") + distribution.name;
    pins += " " + distribution.name + "==" + distribution.version;
    ++missing;
  }
  if (missing == 0) return std::nullopt;
  std::string where;
  for (const auto& [folder, listed] : listed_by_folder) where += (where.empty() ? "" : "; ") + folder + ": " + listed;
  return Finding{Severity::error, "system-site-packages",
                 "the venv also imports from the host's system site-packages (include-system-site-packages = true), "
                 "and the image's Python (" + interpreter + ") lacks " + std::to_string(missing) +
                     (missing == 1 ? " distribution" : " distributions") + " found there: " + where,
                 (venv.root / "pyvenv.cfg").string(),
                 "install them into the venv (" + (venv.root / "bin" / "pip").string() + " install" + pins +
                     "), or recreate the venv without --system-site-packages; with --force the image keeps "
                     "include-system-site-packages = true and the venv sees the image's own packages instead",
                 names};
}

}  // namespace venv2docker
