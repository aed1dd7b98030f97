#include "debian/install_plan_json.h"

#include <algorithm>

#include "debian/package_naming.h"
#include "debian/version.h"
#include "store/digest.h"
#include "util/error.h"
#include "util/text_util.h"

namespace venv2docker::debian {

using nlohmann::json;

namespace {

json release_date(const ReleaseFile& release) { return release.date ? json(*release.date) : json(nullptr); }

// The Release each plan was made from, as the Releases read now say: a plan
// whose Dates differ was made from other Releases (its key hashes them too).
void check_releases(const json& recorded, const std::vector<SourceRelease>& releases, const std::string& where) {
  const auto& list = recorded.get_ref<const json::array_t&>();
  if (list.size() != releases.size()) throw Error(where + " was made from another number of apt sources");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& [source, release] = releases[i];
    if (list[i].at("uri").get<std::string>() != source.uri || list[i].at("suite").get<std::string>() != source.suite ||
        list[i].at("date") != release_date(release)) {
      throw Error(where + " was made from another Release of " + source.uri + " " + source.suite);
    }
  }
}

bool is_lower_hex_sha256(const std::string& text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// A .deb below its archive's root, as a Packages index names it ("pool/main/j/jq/jq_1.6_amd64.deb").
bool is_archive_path(const std::string& path) {
  return !path.empty() && path.size() <= 4096 && !path.starts_with('/') && path.find("..") == std::string::npos &&
         std::none_of(path.begin(), path.end(), [](char c) { return static_cast<unsigned char>(c) <= ' '; });
}

// A count (a size in bytes or KiB): nlohmann would convert a negative or a
// fractional number without a word.
std::uint64_t count_field(const json& item, const char* name, const std::string& where) {
  const json& value = item.at(name);
  if (!value.is_number_unsigned()) throw Error(where + ": " + name + " is not of an --apt plan's shape: not a count");
  return value.get<std::uint64_t>();
}

Package planned_package(const json& item, const std::vector<SourceRelease>& releases, const std::string& arch,
                        const std::string& where) {
  Package package;
  package.name = item.at("name").get<std::string>();
  package.version = item.at("version").get<std::string>();
  package.architecture = item.at("architecture").get<std::string>();
  package.multi_arch = item.at("multi_arch").get<std::string>();
  package.filename = item.at("filename").get<std::string>();
  package.size = count_field(item, "size", where);
  package.sha256 = item.at("sha256").get<std::string>();
  package.installed_size = count_field(item, "installed_size", where);
  package.archive_uri = item.at("archive_uri").get<std::string>();
  package.origin = where;
  const std::string what = where + ": the package \"" + utf8_for_message(package.name) + "\"";
  if (!is_debian_package_name(package.name)) throw Error(what + " is not a Debian package name");
  if (!is_valid_version(package.version)) throw Error(what + " has no valid Debian version");
  if (package.architecture != arch && package.architecture != "all") {
    throw Error(what + " is for another architecture than " + arch);
  }
  if (!is_lower_hex_sha256(package.sha256)) throw Error(what + " has no valid SHA-256");
  if (!is_archive_path(package.filename)) throw Error(what + " lies outside its archive");
  // Only the sources' own archives are asked for a .deb: a plan never sends a request elsewhere.
  const bool from_a_source = std::any_of(releases.begin(), releases.end(), [&](const SourceRelease& release) {
    return release.source.uri == package.archive_uri;
  });
  if (!from_a_source) throw Error(what + " comes from an archive that is none of the apt sources");
  return package;
}

}  // namespace

json install_plan_json(const std::vector<Package>& packages, const std::vector<SourceRelease>& releases) {
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
  json made_from = json::array();
  for (const auto& [source, release] : releases) {
    made_from.push_back({{"uri", source.uri}, {"suite", source.suite}, {"date", release_date(release)}});
  }
  return {{"packages", list}, {"releases", made_from}};
}

std::vector<Package> install_plan_from_json(const json& plan, const std::vector<SourceRelease>& releases,
                                            const std::string& arch, const std::string& where) {
  try {
    check_releases(plan.at("releases"), releases, where);
    std::vector<Package> packages;
    for (const auto& item : plan.at("packages").get_ref<const json::array_t&>()) {
      packages.push_back(planned_package(item, releases, arch, where));
    }
    return packages;
  } catch (const json::exception& error) {
    throw Error(where + " is not of an --apt plan's shape: " + error.what());
  }
}

}  // namespace venv2docker::debian
