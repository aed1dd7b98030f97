// Every package the apt sources offer, and every package the base has: the
// PackageUniverse the resolver chooses from, read through AptArchiveClient.
#pragma once

#include <vector>

#include "debian/apt_archive_client.h"
#include "debian/apt_archives.h"
#include "debian/apt_base_config.h"
#include "debian/package_universe.h"

namespace venv2docker::debian {

/// The base's sources (unless --apt-replace-sources) then --apt-source ones.
/// Throws Error when there are none.
std::vector<AptSource> effective_sources(const AptOptions& options, const BaseAptConfig& base);

struct SourceRelease {
  AptSource source;
  ReleaseFile release;
};

/// Every source's signed Release, verified.
std::vector<SourceRelease> read_releases(const std::vector<AptSource>& sources, const BaseAptConfig& base,
                                         AptArchiveClient& client, Reporter& reporter);

/// The Packages indexes the Releases list, and the base's dpkg status. Each
/// available package's `archive_uri` is its source's URI.
PackageUniverse load_catalog(const std::vector<SourceRelease>& releases, const BaseAptConfig& base,
                             AptArchiveClient& client);

}  // namespace venv2docker::debian
