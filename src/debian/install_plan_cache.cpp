#include "debian/install_plan_cache.h"

#include <nlohmann/json.hpp>

#include "debian/install_plan_json.h"
#include "store/cache_record.h"
#include "util/error.h"

namespace venv2docker::debian {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// In the key and the record: a plan resolved under other rules is never reused.
constexpr CacheRecordKind k_plan_record{"apt-install-plan", 4, std::size_t{16} << 20};

fs::path plan_file(const Digest& key, const BlobStore& store) { return cache_record_path(store.root(), "apt/plans", key); }

}  // namespace

Digest install_plan_key(const std::vector<SourceRelease>& releases, const BaseAptConfig& base,
                        const std::vector<std::string>& requested) {
  json key = {{"format", k_plan_record.version},
              {"arch", base.arch()},
              {"dpkg_status", std::string(sha256_of(base.dpkg_status()).hex())},
              {"requested", requested},
              {"sources", json::array()}};
  for (const auto& [source, release] : releases) {
    key["sources"].push_back({{"uri", source.uri},
                              {"suite", source.suite},
                              {"components", source.components},
                              {"release", release.text_sha256}});
  }
  return sha256_of(key.dump());
}

std::optional<std::vector<Package>> find_install_plan(const Digest& key, const BlobStore& store,
                                                      const std::vector<SourceRelease>& releases,
                                                      const std::string& arch) {
  const std::optional<json> plan = read_cache_record(plan_file(key, store), k_plan_record);
  if (!plan) return std::nullopt;
  try {
    return install_plan_from_json(*plan, releases, arch, "the cached plan " + plan_file(key, store).string());
  } catch (const Error&) {
    return std::nullopt;  // a damaged record only costs resolving again
  }
}

void record_install_plan(const Digest& key, const std::vector<Package>& packages,
                         const std::vector<SourceRelease>& releases, const BlobStore& store) {
  write_cache_record(plan_file(key, store), k_plan_record, install_plan_json(packages, releases));
}

}  // namespace venv2docker::debian
