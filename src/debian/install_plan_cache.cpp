#include "debian/install_plan_cache.h"

#include <nlohmann/json.hpp>

#include "store/cache_record.h"

namespace venv2docker::debian {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// In the key and the record: a plan resolved under other rules is never reused.
constexpr CacheRecordKind k_plan_record{"apt-install-plan", 3, std::size_t{16} << 20};

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

std::optional<std::vector<Package>> find_install_plan(const Digest& key, const BlobStore& store) {
  const std::optional<json> list = read_cache_record(plan_file(key, store), k_plan_record);
  if (!list) return std::nullopt;
  std::vector<Package> packages;
  try {
    for (const auto& item : list->get_ref<const json::array_t&>()) {
      Package package;
      package.name = item.at("name");
      package.version = item.at("version");
      package.architecture = item.at("architecture");
      package.multi_arch = item.at("multi_arch");
      package.filename = item.at("filename");
      package.size = item.at("size");
      package.sha256 = item.at("sha256");
      package.installed_size = item.at("installed_size");
      package.archive_uri = item.at("archive_uri");
      package.origin = "the cached plan " + plan_file(key, store).string();
      packages.push_back(std::move(package));
    }
  } catch (const json::exception&) {
    return std::nullopt;
  }
  return packages;
}

void record_install_plan(const Digest& key, const std::vector<Package>& packages, const BlobStore& store) {
  json list = json::array();
  for (const auto& package : packages) {
    list.push_back({{"name", package.name},
                    {"version", package.version},
                    {"architecture", package.architecture},
                    {"multi_arch", package.multi_arch},
                    {"filename", package.filename},
                    {"size", package.size},
                    {"sha256", package.sha256},
                    {"installed_size", package.installed_size},
                    {"archive_uri", package.archive_uri}});
  }
  write_cache_record(plan_file(key, store), k_plan_record, list);
}

}  // namespace venv2docker::debian
