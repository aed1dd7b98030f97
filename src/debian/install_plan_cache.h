// Resolved --apt plans kept in the cache, so a build whose sources and base
// have not changed skips reading the Packages indexes (~60,000 packages for
// Debian main) and resolving again. The key is everything the answer
// depends on: the architecture, each source with the SHA-256 of its signed
// Release (which pins every index), the base's dpkg status and the request.
// The same key finds plans other runners made, in a registry cache record.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "debian/apt_catalog.h"
#include "debian/package.h"
#include "store/blob_store.h"
#include "store/digest.h"

namespace venv2docker::debian {

Digest install_plan_key(const std::vector<SourceRelease>& releases, const BaseAptConfig& base,
                        const std::vector<std::string>& requested);

/// The plan recorded under `key`: the packages to unpack, in order, with
/// what fetching and unpacking them needs. nullopt when absent, unreadable or
/// not what install_plan_from_json accepts for `releases` and `arch`.
std::optional<std::vector<Package>> find_install_plan(const Digest& key, const BlobStore& store,
                                                      const std::vector<SourceRelease>& releases,
                                                      const std::string& arch);

/// Records `packages`, planned from `releases`, under `key` as a cache record
/// (concurrent builds may race to write the same plan, which is harmless).
void record_install_plan(const Digest& key, const std::vector<Package>& packages,
                         const std::vector<SourceRelease>& releases, const BlobStore& store);

}  // namespace venv2docker::debian
