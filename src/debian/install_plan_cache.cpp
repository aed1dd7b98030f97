#include "debian/install_plan_cache.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "util/atomic_file.h"

namespace venv2docker::debian {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// In the key and the record: a plan resolved under other rules is never reused.
constexpr int k_format = 2;

fs::path plan_file(const Digest& key, const BlobStore& store) { return store.record_path("apt/plans", key, ".json"); }

}  // namespace

Digest install_plan_key(const std::vector<SourceRelease>& releases, const BaseAptConfig& base,
                        const std::vector<std::string>& requested) {
  json key = {{"format", k_format},
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
  std::ifstream in(plan_file(key, store));
  if (!in) return std::nullopt;
  json document = json::parse(in, nullptr, false);
  if (document.is_discarded() || document.value("format", 0) != k_format || !document["packages"].is_array()) {
    return std::nullopt;
  }
  std::vector<Package> packages;
  try {
    for (const auto& item : document["packages"]) {
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
  fs::create_directories(plan_file(key, store).parent_path());
  write_file_atomically(plan_file(key, store), json{{"format", k_format}, {"packages", list}}.dump(1));
}

}  // namespace venv2docker::debian
