// glibc symbol-version names ("GLIBC_2.17") as comparable versions.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <vector>

namespace venv2docker {

struct GlibcVersion {
  int major = 0;
  int minor = 0;
  int patch = 0;
  auto operator<=>(const GlibcVersion&) const = default;
  std::string text() const;
};

/// "GLIBC_2.2.5" -> 2.2.5; anything else (GLIBC_PRIVATE, GCC_3.0) -> nullopt.
std::optional<GlibcVersion> parse_glibc_version(const std::string& name);
/// The highest GLIBC_x.y among `names`, if any.
std::optional<GlibcVersion> highest_glibc_version(const std::vector<std::string>& names);

}  // namespace venv2docker
