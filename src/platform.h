// Platforms ("linux/amd64", "linux/arm64/v8") as containerd normalises them,
// and picking one image out of a multi-platform index.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace venv2docker {

struct Platform {
  std::string os = "linux";
  std::string architecture = "amd64";
  std::string variant;     // "" when none
  std::string os_version;  // Windows only; matched when given

  /// Parses "os/arch[/variant]" (or "arch" alone, meaning linux) and
  /// normalises: x86_64/x86-64 -> amd64, aarch64 -> arm64 (variant v8 or 8
  /// dropped), armhf/armel -> arm v7/v6, arm without variant -> v7, i386 ->
  /// 386, a bare digit variant "7" -> "v7". Throws UsageError naming `what`.
  static Platform parse(const std::string& text, const std::string& what = "--platform");
  /// From an index entry's "platform" object (or an image config's os /
  /// architecture / variant), normalised the same way.
  static Platform from_json(const nlohmann::json& value);

  std::string str() const;
  /// Same os, architecture and variant after normalising both (so
  /// "linux/arm64" matches an index entry saying arm64/v8, "linux/arm" one
  /// saying arm/v7), and the same os.version when this one names one.
  bool matches(const Platform& candidate) const;
};

}  // namespace venv2docker
