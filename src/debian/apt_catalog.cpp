#include "debian/apt_catalog.h"

#include "debian/dpkg_database.h"
#include "util/error.h"

namespace venv2docker::debian {

std::vector<AptSource> effective_sources(const AptOptions& options, const BaseAptConfig& base) {
  std::vector<AptSource> sources;
  if (!options.replace_sources) sources = base.sources();
  for (const auto& line : options.extra_sources) {
    for (auto& source : parse_source_lines(line, "--apt-source \"" + line + "\"", base.arch())) {
      source.keyrings_on_host = true;
      sources.push_back(std::move(source));
    }
  }
  if (sources.empty()) {
    throw Error("the base image has no apt sources to install packages from",
                "add one with --apt-source \"deb [signed-by=KEYRING] URI SUITE main\"");
  }
  return sources;
}

std::vector<SourceRelease> read_releases(const std::vector<AptSource>& sources, const BaseAptConfig& base,
                                         AptArchiveClient& client, Reporter& reporter) {
  std::vector<SourceRelease> releases;
  for (const auto& source : sources) {
    reporter.step("Reading apt source " + source.shown() + " (" + source.origin + ")");
    releases.push_back({source, client.release(source, base.keyrings_for(source))});
  }
  return releases;
}

PackageUniverse load_catalog(const std::vector<SourceRelease>& releases, const BaseAptConfig& base,
                             AptArchiveClient& client) {
  PackageUniverse universe;
  // The sources first, then dpkg's status, in the order apt reads them.
  for (const auto& [source, release] : releases) {
    for (const auto& component : source.components) {
      std::string index = client.packages_index(source, release, component, base.arch());
      std::string origin = source.shown() + " " + component;
      for (auto& package : parse_packages_index(index, base.arch(), origin)) {
        package.archive_uri = source.uri;
        package.pin_priority = release.pin_priority;
        universe.add_available(std::move(package));
      }
    }
  }
  for (auto& package : parse_dpkg_status(base.dpkg_status(), base.arch(), k_dpkg_status_path)) {
    universe.add_installed(std::move(package));
  }
  return universe;
}

}  // namespace venv2docker::debian
