#include "venv/installed_distributions.h"

#include <cctype>
#include <map>
#include <system_error>

namespace venv2docker {

namespace fs = std::filesystem;

std::string normalized_distribution_name(std::string_view name) {
  std::string normal;
  bool in_separator_run = false;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (!in_separator_run) normal += '-';
      in_separator_run = true;
      continue;
    }
    normal += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    in_separator_run = false;
  }
  return normal;
}

std::optional<Distribution> distribution_of_metadata(std::string_view entry_name) {
  std::string_view stem;
  if (entry_name.ends_with(".dist-info")) {
    stem = entry_name.substr(0, entry_name.size() - 10);
  } else if (entry_name.ends_with(".egg-info")) {
    stem = entry_name.substr(0, entry_name.size() - 9);
  } else {
    return std::nullopt;
  }
  // Wheels and eggs write the name with '-' escaped to '_', so the first
  // '-' ends it; egg folders may add "-pyX.Y" after the version.
  const auto dash = stem.find('-');
  if (dash == std::string_view::npos || dash == 0) return std::nullopt;
  std::string_view version = stem.substr(dash + 1);
  version = version.substr(0, version.find('-'));
  return Distribution{std::string(stem.substr(0, dash)), std::string(version)};
}

std::vector<Distribution> installed_distributions(const fs::path& site_packages) {
  std::vector<Distribution> found;
  std::error_code error;
  for (const auto& item : fs::directory_iterator(site_packages, error)) {
    if (auto distribution = distribution_of_metadata(item.path().filename().string())) {
      found.push_back(std::move(*distribution));
    }
  }
  return found;
}

std::vector<VersionClash> version_clashes(const std::vector<Distribution>& installed,
                                          const std::vector<Distribution>& planned) {
  std::map<std::string, const Distribution*> by_name;
  for (const Distribution& distribution : installed) {
    by_name[normalized_distribution_name(distribution.name)] = &distribution;
  }
  std::vector<VersionClash> clashes;
  for (const Distribution& distribution : planned) {
    const auto it = by_name.find(normalized_distribution_name(distribution.name));
    if (it != by_name.end()) clashes.push_back({*it->second, distribution});
  }
  return clashes;
}

}  // namespace venv2docker
