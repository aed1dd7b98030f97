#include "compat/glibc_version.h"

#include <cstdio>

namespace venv2docker {

std::string GlibcVersion::text() const {
  return std::to_string(major) + "." + std::to_string(minor) + (patch ? "." + std::to_string(patch) : "");
}

std::optional<GlibcVersion> parse_glibc_version(const std::string& name) {
  if (!name.starts_with("GLIBC_")) return std::nullopt;
  GlibcVersion version;
  int consumed = 0;
  std::string numbers = name.substr(6);
  int fields = std::sscanf(numbers.c_str(), "%d.%d%n.%d%n", &version.major, &version.minor, &consumed, &version.patch, &consumed);
  if (fields < 2 || static_cast<std::size_t>(consumed) != numbers.size()) return std::nullopt;
  return version;
}

std::optional<GlibcVersion> highest_glibc_version(const std::vector<std::string>& names) {
  std::optional<GlibcVersion> highest;
  for (const auto& name : names) {
    auto version = parse_glibc_version(name);
    if (version && (!highest || *highest < *version)) highest = version;
  }
  return highest;
}

}  // namespace venv2docker
