// Platforms ("linux/amd64", "linux/arm64/v8") as containerd normalises and
// matches them: which image of a multi-platform base a build uses, and what
// a single-platform base must be.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace venv2docker {

struct Platform {
  std::string os = "linux";
  std::string architecture = "amd64";
  std::string variant;     // "" when none, or the architecture's default (arm64 v8, amd64 v1)
  std::string os_version;  // Windows only; matched when the wanted platform names one

  /// Parses "os/arch[/variant]", or "arch" alone meaning linux/arch, and
  /// normalises: x86_64/x86-64 -> amd64, aarch64 -> arm64 (variant v8 or 8
  /// dropped), armhf/armel -> arm v7/v6, arm without variant -> v7, i386 ->
  /// 386, a bare digit variant "7" -> "v7". Throws UsageError naming `what`.
  static Platform parse(const std::string& text, const std::string& what = "--platform");
  /// From an index entry's "platform" object or an image config (os,
  /// architecture, variant, os.version), normalised the same way; fields
  /// that are missing stay empty.
  static Platform from_json(const nlohmann::json& value);
  /// The platform this program was compiled for: the default target, since
  /// the venv beside it was most likely built on the same machine.
  static Platform host();

  std::string str() const;
  bool operator==(const Platform&) const = default;
};

/// The platform a build targets: --platform when given, else the host's.
struct PlatformRequest {
  Platform platform = Platform::host();
  /// --platform was given: a single-platform base must then be that platform
  /// too. Without it such a base is used as it is, whatever it is built for.
  bool given = false;

  /// From the --platform option's text (parsed as Platform::parse does).
  static PlatformRequest from_option(const std::optional<std::string>& text);
};

/// How well `candidate` serves `wanted`, as containerd's platforms.Only
/// orders it: 0 for the same platform, 1, 2... for older variants of the
/// same architecture that a `wanted` machine also runs (arm/v7 also runs
/// v6 and v5; amd64/v3 runs v2 and v1; arm64/v8.2 runs v8.1 and v8).
/// nullopt when it does not serve at all. Unlike containerd, another
/// architecture never matches (amd64 -> 386, arm64 -> arm): the chosen
/// image's architecture becomes the built image's, and the user asked for
/// this one.
std::optional<std::size_t> platform_match_rank(const Platform& wanted, const Platform& candidate);

}  // namespace venv2docker
