#include "sbom/sbom_sources.h"

#include <algorithm>
#include <system_error>
#include <tuple>

#include "debian/deb822.h"
#include "debian/package.h"
#include "sbom/purl.h"
#include "sbom/python_license.h"
#include "venv/core_metadata.h"
#include "venv/installed_distributions.h"

namespace venv2docker {

namespace fs = std::filesystem;

std::vector<SbomPackage> python_packages(const fs::path& site_packages) {
  std::vector<fs::path> entries;
  std::error_code error;
  for (const auto& item : fs::directory_iterator(site_packages, error)) entries.push_back(item.path());
  std::sort(entries.begin(), entries.end());  // the order a folder lists its entries in is no input
  std::vector<SbomPackage> packages;
  for (const fs::path& entry : entries) {
    const std::optional<Distribution> named = distribution_of_metadata(entry.filename().string());
    if (!named) continue;
    const CoreMetadata metadata = read_core_metadata(entry).value_or(CoreMetadata{});
    SbomPackage package;
    package.name = metadata.name.empty() ? named->name : metadata.name;
    package.version = metadata.version.empty() ? named->version : metadata.version;
    package.purl = pypi_purl(package.name, package.version);
    const DeclaredLicense license = declared_license(metadata);
    package.license = license.expression;
    package.license_text = license.text;
    package.origin = "python";
    packages.push_back(std::move(package));
  }
  std::stable_sort(packages.begin(), packages.end(), [](const SbomPackage& a, const SbomPackage& b) {
    return std::tuple(normalized_distribution_name(a.name), a.version) <
           std::tuple(normalized_distribution_name(b.name), b.version);
  });
  return packages;
}

std::vector<SbomPackage> dpkg_packages(std::string_view status, std::string_view origin) {
  std::vector<std::pair<std::string, SbomPackage>> found;  // keyed by architecture, for the order
  debian::for_each_paragraph(status, origin, [&](debian::Paragraph&& paragraph) {
    if (!debian::is_installed(paragraph)) return;  // config-files, half-installed, ... hold no package
    const std::string_view name = paragraph.value_or_empty("Package");
    const std::string_view version = paragraph.value_or_empty("Version");
    if (name.empty() || version.empty()) return;
    const std::string arch(paragraph.value_or_empty("Architecture"));
    SbomPackage package;
    package.name = std::string(name);
    package.version = std::string(version);
    package.purl = deb_purl(name, version, arch);
    package.origin = "deb";
    found.emplace_back(arch, std::move(package));
  });
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return std::tie(a.second.name, a.first, a.second.version) < std::tie(b.second.name, b.first, b.second.version);
  });
  std::vector<SbomPackage> packages;
  for (auto& [arch, package] : found) packages.push_back(std::move(package));
  return packages;
}

namespace {

// virtualenv's "3.11.2.final.0" names the release 3.11.2, as `version` does.
std::string release_of(std::string_view version_info) {
  std::size_t dots = 0;
  for (std::size_t i = 0; i < version_info.size(); ++i) {
    if (version_info[i] == '.' && ++dots == 3) return std::string(version_info.substr(0, i));
  }
  return std::string(version_info);
}

}  // namespace

SbomPackage interpreter_package(const Venv& venv) {
  std::string version = venv.python_version;
  for (const char* key : {"version", "version_info"}) {
    if (auto it = venv.config.find(key); it != venv.config.end() && !it->second.empty()) {
      version = release_of(it->second);
      break;
    }
  }
  SbomPackage package;
  package.name = "python";
  package.version = version;
  package.purl = "pkg:generic/python@" + purl_encode(version);
  package.origin = "interpreter";
  return package;
}

}  // namespace venv2docker
