#include "debian/package_naming.h"

#include <algorithm>
#include <cctype>

#include "util/text_util.h"
#include "venv/installed_distributions.h"

namespace venv2docker::debian {

std::optional<std::string> library_package_name(std::string_view soname) {
  const auto marker = soname.find(".so.");
  if (marker == std::string_view::npos || marker == 0) return std::nullopt;
  std::string stem = ascii_lower(soname.substr(0, marker));
  std::replace(stem.begin(), stem.end(), '_', '-');
  const bool ends_in_digit = std::isdigit(static_cast<unsigned char>(stem.back()));
  return stem + (ends_in_digit ? "-" : "") + std::string(soname.substr(marker + 4));
}

std::vector<std::string> python_package_names(std::string_view distribution) {
  std::string written = ascii_lower(distribution);
  std::replace(written.begin(), written.end(), '_', '-');
  std::vector<std::string> modules;
  for (const std::string& name : {written, normalized_distribution_name(distribution)}) {
    modules.push_back(name);
    if (name.starts_with("python-")) modules.push_back(name.substr(7));
    if (name.ends_with("-python")) modules.push_back(name.substr(0, name.size() - 7));
    if (name.starts_with("py") && !name.starts_with("python") && name.size() > 2 && name[2] != '-') {
      modules.push_back(name.substr(2));
    }
  }
  std::vector<std::string> packages;
  for (const std::string& module : modules) {
    std::string package = "python3-" + module;
    if (!module.empty() && std::find(packages.begin(), packages.end(), package) == packages.end()) {
      packages.push_back(std::move(package));
    }
  }
  return packages;
}

bool is_debian_package_name(std::string_view name) {
  if (name.size() < 2 || name.size() > 128 || !std::isalnum(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
  });
}

}  // namespace venv2docker::debian
