// Fixes that name a Debian package: when the base has apt sources, a
// finding about something missing that a Debian package provides says which
// `--apt PACKAGE` adds it.
#pragma once

#include "build/registry_cache.h"
#include "compat/compat_check.h"
#include "debian/apt_archives.h"
#include "util/reporter.h"

namespace venv2docker {

/// Rewrites the fix of each `missing-library` finding whose library a
/// package in the base's sources provides, and of the `system-site-packages`
/// finding for the distributions one does. Reading the sources needs the
/// network, so a failure only costs the suggestions (a warning). With
/// `shared` (may be null), the answers come from a registry cache record made
/// from the same signed Releases when one holds them, and are learned for
/// --cache-to.
void suggest_apt_packages(CompatReport& report, AptArchives& archives, Reporter& reporter, RegistryCache* shared);

}  // namespace venv2docker
