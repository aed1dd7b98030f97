#include "platform.h"

#include <algorithm>
#include <cctype>

#include "text_util.h"
#include "venv2docker/error.h"

namespace venv2docker {

namespace {

// containerd's normalisation (platforms.Normalize).
void normalise(Platform& platform) {
  platform.os = ascii_lower(platform.os);
  if (platform.os == "macos") platform.os = "darwin";
  std::string& arch = platform.architecture;
  std::string& variant = platform.variant;
  arch = ascii_lower(arch);
  variant = ascii_lower(variant);
  if (arch == "i386") {
    arch = "386";
    variant.clear();
  } else if (arch == "x86_64" || arch == "x86-64" || arch == "amd64") {
    arch = "amd64";
    if (variant == "v1") variant.clear();
  } else if (arch == "aarch64" || arch == "arm64") {
    arch = "arm64";
    if (variant == "8" || variant == "v8") variant.clear();
  } else if (arch == "armhf") {
    arch = "arm";
    variant = "v7";
  } else if (arch == "armel") {
    arch = "arm";
    variant = "v6";
  } else if (arch == "arm") {
    if (variant.empty() || variant == "7") variant = "v7";
    else if (variant == "5" || variant == "6" || variant == "8") variant = "v" + variant;
  }
}

}  // namespace

Platform Platform::parse(const std::string& text, const std::string& what) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    auto slash = text.find('/', start);
    parts.push_back(text.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  bool empty_part = std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); });
  if (parts.size() > 3 || empty_part) {
    throw UsageError(what + " \"" + text + "\" is not a platform", "use OS/ARCH[/VARIANT], e.g. linux/amd64 or linux/arm64");
  }
  Platform platform;
  if (parts.size() == 1) {
    platform.architecture = parts[0];  // "arm64" alone means linux/arm64, as containerd reads it
  } else {
    platform.os = parts[0];
    platform.architecture = parts[1];
    if (parts.size() == 3) platform.variant = parts[2];
  }
  for (const auto& part : parts) {
    if (!std::all_of(part.begin(), part.end(), [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-'; })) {
      throw UsageError(what + " \"" + text + "\" is not a platform", "use OS/ARCH[/VARIANT], e.g. linux/amd64");
    }
  }
  normalise(platform);
  return platform;
}

Platform Platform::from_json(const nlohmann::json& value) {
  Platform platform{"", "", "", ""};
  if (!value.is_object()) return platform;
  auto text = [&](const char* key) {
    return value.contains(key) && value[key].is_string() ? value[key].get<std::string>() : std::string{};
  };
  platform.os = text("os");
  platform.architecture = text("architecture");
  platform.variant = text("variant");
  platform.os_version = text("os.version");
  normalise(platform);
  return platform;
}

std::string Platform::str() const {
  return os + "/" + architecture + (variant.empty() ? "" : "/" + variant);
}

bool Platform::matches(const Platform& candidate) const {
  if (os != candidate.os || architecture != candidate.architecture || variant != candidate.variant) return false;
  return os_version.empty() || os_version == candidate.os_version;
}

}  // namespace venv2docker
