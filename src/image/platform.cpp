#include "image/platform.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "util/error.h"
#include "util/text_util.h"

namespace venv2docker {

namespace {

// containerd's normalisation (platforms.Normalize): one spelling per
// platform, so that matching is plain equality of the parts.
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

// A lone word is an OS when it names one (then the host's architecture),
// else it must be an architecture: a typo is refused, not taken for a
// platform no base has.
constexpr std::array k_known_os = {"aix",     "android", "darwin", "dragonfly", "freebsd", "hurd",
                                   "illumos", "ios",     "js",     "linux",     "netbsd",  "openbsd",
                                   "plan9",   "solaris", "windows", "zos"};
constexpr std::array k_known_architectures = {
    "386",  "amd64",    "arm",    "armbe",       "arm64",     "arm64be",     "loong64", "mips",
    "mipsle", "mips64", "mips64le", "ppc",       "ppc64",     "ppc64le",     "riscv64", "s390x",
    "sparc64", "wasm"};

template <std::size_t N>
bool is_one_of(const std::string& word, const std::array<const char*, N>& words) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

[[noreturn]] void refuse(const std::string& what, const std::string& text, const std::string& why) {
  throw UsageError(what + " \"" + text + "\" is not a platform: " + why,
                   "use OS/ARCH[/VARIANT] or ARCH, e.g. linux/amd64, linux/arm64/v8 or arm64");
}

// "v7" or "7" -> 7; "v8.2" -> {8, 2}. nullopt when not of that form.
struct VariantNumber {
  int major = 0;
  int minor = 0;
};

std::optional<VariantNumber> variant_number(std::string_view variant) {
  if (variant.starts_with('v')) variant.remove_prefix(1);
  VariantNumber number;
  const char* end = variant.data() + variant.size();
  auto [rest, error] = std::from_chars(variant.data(), end, number.major);
  if (error != std::errc{} || variant.empty()) return std::nullopt;
  if (rest != end) {
    if (*rest != '.') return std::nullopt;
    auto [minor_end, minor_error] = std::from_chars(rest + 1, end, number.minor);
    if (minor_error != std::errc{} || minor_end != end) return std::nullopt;
  }
  return number;
}

// arm64's variants as normalised: v8 (the default) is "".
std::string arm64_variant(int major, int minor) {
  if (major == 8 && minor == 0) return "";
  return "v" + std::to_string(major) + (minor == 0 ? "" : "." + std::to_string(minor));
}

// The variants of wanted's architecture a machine of `wanted` runs, best
// first: containerd's platformVector within one architecture.
std::vector<std::string> runnable_variants(const Platform& wanted) {
  std::vector<std::string> variants{wanted.variant};
  const std::string& arch = wanted.architecture;
  if (arch == "amd64") {
    // amd64 microarchitecture levels: v3 runs v2 and v1 ("" once normalised).
    if (auto level = variant_number(wanted.variant); level && level->major > 1) {
      for (int v = level->major - 1; v >= 2; --v) variants.push_back("v" + std::to_string(v));
      variants.emplace_back();
    }
  } else if (arch == "arm") {
    if (auto version = variant_number(wanted.variant)) {
      for (int v = version->major - 1; v >= 5; --v) variants.push_back("v" + std::to_string(v));
    }
  } else if (arch == "arm64") {
    auto version = wanted.variant.empty() ? std::optional<VariantNumber>(VariantNumber{8, 0}) : variant_number(wanted.variant);
    if (version && version->major >= 8) {
      int major = version->major;
      int minor = version->minor;
      if (major == 9) {
        for (int m = minor - 1; m >= 0; --m) variants.push_back(arm64_variant(9, m));
        // Armv9.x was forked from Armv8.(x+5), so it runs everything that does.
        minor += 5;
        major = 8;
        variants.push_back(arm64_variant(8, minor));
      }
      if (major == 8) {
        for (int m = minor - 1; m >= 0; --m) variants.push_back(arm64_variant(8, m));
      }
    }
  }
  return variants;
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
  if (parts.size() > 3) refuse(what, text, "more than three parts");
  for (const auto& part : parts) {
    bool valid = !part.empty() && std::all_of(part.begin(), part.end(), [](unsigned char c) {
      return std::isalnum(c) || c == '_' || c == '-' || c == '.';
    });
    if (!valid) refuse(what, text, "each part is letters, digits, '.', '_' or '-'");
  }
  Platform platform;
  if (parts.size() == 1) {
    Platform word{parts[0], parts[0], "", ""};
    normalise(word);
    if (is_one_of(word.os, k_known_os)) {
      platform = host();
      platform.os = word.os;
      return platform;
    }
    if (!is_one_of(word.architecture, k_known_architectures)) refuse(what, text, "no such OS or architecture");
    platform.architecture = parts[0];
  } else {
    platform.os = parts[0];
    platform.architecture = parts[1];
    if (parts.size() == 3) platform.variant = parts[2];
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

Platform Platform::host() {
  // What this binary was compiled for, as Go's GOARCH is containerd's default.
#if defined(__x86_64__)
  return parse("linux/amd64");
#elif defined(__aarch64__)
  return parse("linux/arm64");
#elif defined(__arm__) && defined(__ARM_ARCH) && __ARM_ARCH >= 7
  return parse("linux/arm/v7");
#elif defined(__arm__) && defined(__ARM_ARCH) && __ARM_ARCH == 6
  return parse("linux/arm/v6");
#elif defined(__i386__)
  return parse("linux/386");
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return parse("linux/ppc64le");
#elif defined(__s390x__)
  return parse("linux/s390x");
#elif defined(__riscv) && __riscv_xlen == 64
  return parse("linux/riscv64");
#else
  // Any other machine: the kernel's name for it, normalised.
  utsname names{};
  uname(&names);
  return parse(std::string("linux/") + names.machine, "this machine's architecture");
#endif
}

std::string Platform::str() const {
  return os + "/" + architecture + (variant.empty() ? "" : "/" + variant);
}

PlatformRequest PlatformRequest::from_option(const std::optional<std::string>& text) {
  if (!text) return PlatformRequest{};
  return PlatformRequest{Platform::parse(*text), true};
}

std::optional<std::size_t> platform_match_rank(const Platform& wanted, const Platform& candidate) {
  if (wanted.os != candidate.os || wanted.architecture != candidate.architecture) return std::nullopt;
  if (!wanted.os_version.empty() && wanted.os_version != candidate.os_version) return std::nullopt;
  std::vector<std::string> variants = runnable_variants(wanted);
  auto found = std::find(variants.begin(), variants.end(), candidate.variant);
  if (found == variants.end()) return std::nullopt;
  return static_cast<std::size_t>(found - variants.begin());
}

}  // namespace venv2docker
