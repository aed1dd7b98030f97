// Platform strings normalised and matched as containerd's platforms package
// does (within one architecture), and the host's platform.
#include <sys/utsname.h>

#include <catch2/catch.hpp>

#include "image/platform.h"
#include "util/error.h"

using namespace venv2docker;

namespace {

Platform entry(const char* json) { return Platform::from_json(nlohmann::json::parse(json)); }

std::optional<std::size_t> rank(const char* wanted, const char* candidate) {
  return platform_match_rank(Platform::parse(wanted), Platform::parse(candidate));
}

}  // namespace

TEST_CASE("platform parsing and normalisation") {
  CHECK(Platform::parse("linux/amd64").str() == "linux/amd64");
  CHECK(Platform::parse("linux/x86_64").str() == "linux/amd64");
  CHECK(Platform::parse("linux/x86-64").str() == "linux/amd64");
  CHECK(Platform::parse("linux/amd64/v1").str() == "linux/amd64");
  CHECK(Platform::parse("linux/amd64/v3").str() == "linux/amd64/v3");
  CHECK(Platform::parse("Linux/AMD64").str() == "linux/amd64");
  CHECK(Platform::parse("linux/aarch64").str() == "linux/arm64");
  CHECK(Platform::parse("linux/arm64/v8").str() == "linux/arm64");
  CHECK(Platform::parse("linux/arm64/8").str() == "linux/arm64");
  CHECK(Platform::parse("linux/arm64/v8.2").str() == "linux/arm64/v8.2");
  CHECK(Platform::parse("linux/arm").str() == "linux/arm/v7");
  CHECK(Platform::parse("linux/arm/7").str() == "linux/arm/v7");
  CHECK(Platform::parse("linux/arm/6").str() == "linux/arm/v6");
  CHECK(Platform::parse("linux/arm/v6").str() == "linux/arm/v6");
  CHECK(Platform::parse("linux/armhf").str() == "linux/arm/v7");
  CHECK(Platform::parse("linux/armel").str() == "linux/arm/v6");
  CHECK(Platform::parse("linux/i386").str() == "linux/386");
  CHECK(Platform::parse("macos/arm64").str() == "darwin/arm64");
}

TEST_CASE("one word is an architecture on linux, or an OS on this machine's architecture") {
  CHECK(Platform::parse("arm64").str() == "linux/arm64");
  CHECK(Platform::parse("aarch64").str() == "linux/arm64");
  CHECK(Platform::parse("amd64").str() == "linux/amd64");
  CHECK(Platform::parse("x86_64").str() == "linux/amd64");
  CHECK(Platform::parse("armhf").str() == "linux/arm/v7");
  CHECK(Platform::parse("s390x").str() == "linux/s390x");
  CHECK(Platform::parse("linux") == Platform::host());
  CHECK(Platform::parse("windows").architecture == Platform::host().architecture);
  CHECK(Platform::parse("windows").os == "windows");
}

TEST_CASE("what is not a platform is refused, naming the flag") {
  for (const char* bad : {"", "linux/", "/amd64", "a/b/c/d", "linux/amd64;rm", "linux//v7", "amd46", "linux amd64"}) {
    INFO(bad);
    try {
      Platform::parse(bad);
      FAIL("accepted");
    } catch (const UsageError& e) {
      CHECK(std::string(e.what()).find("--platform \"" + std::string(bad) + "\" is not a platform") == 0);
    }
  }
}

TEST_CASE("the host's platform is the machine's, as the kernel names it, normalised") {
  utsname names{};
  REQUIRE(uname(&names) == 0);
  Platform host = Platform::host();
  CHECK(host.os == "linux");
  CHECK(host.architecture == Platform::parse(std::string("linux/") + names.machine).architecture);
  CHECK(PlatformRequest::from_option(std::nullopt).platform == host);
  CHECK_FALSE(PlatformRequest::from_option(std::nullopt).given);
  CHECK(PlatformRequest::from_option("arm64").given);
  CHECK(PlatformRequest::from_option("arm64").platform.str() == "linux/arm64");
}

TEST_CASE("index entries and configs are read and normalised the same way") {
  CHECK(entry(R"({"os":"linux","architecture":"arm64","variant":"v8"})").str() == "linux/arm64");
  CHECK(entry(R"({"os":"linux","architecture":"aarch64"})").str() == "linux/arm64");
  CHECK(entry(R"({"os":"linux","architecture":"arm"})").str() == "linux/arm/v7");
  CHECK(entry(R"({"os":"windows","architecture":"amd64","os.version":"10.0.17763.1"})").os_version == "10.0.17763.1");
  CHECK(entry(R"({})").architecture.empty());
  CHECK(entry(R"("linux/amd64")").os.empty());
}

TEST_CASE("the same platform matches, whatever its spelling") {
  auto matches = [](const char* wanted, const char* candidate) {
    return platform_match_rank(Platform::parse(wanted), entry(candidate)) == std::size_t{0};
  };
  CHECK(matches("linux/amd64", R"({"os":"linux","architecture":"amd64"})"));
  CHECK(matches("linux/x86_64", R"({"os":"linux","architecture":"amd64"})"));
  CHECK(matches("linux/arm64", R"({"os":"linux","architecture":"arm64","variant":"v8"})"));
  CHECK(matches("linux/arm64/v8", R"({"os":"linux","architecture":"arm64"})"));
  CHECK(matches("arm64", R"({"os":"linux","architecture":"aarch64"})"));
  CHECK(matches("linux/arm", R"({"os":"linux","architecture":"arm","variant":"v7"})"));
  CHECK(matches("linux/armhf", R"({"os":"linux","architecture":"arm"})"));
}

TEST_CASE("older variants of the same architecture match, worse the older") {
  // arm/v7 runs v6 and v5, never v8.
  CHECK(rank("linux/arm/v7", "linux/arm/v7") == std::size_t{0});
  CHECK(rank("linux/arm/v7", "linux/arm/v6") == std::size_t{1});
  CHECK(rank("linux/arm/v7", "linux/arm/v5") == std::size_t{2});
  CHECK_FALSE(rank("linux/arm/v7", "linux/arm/v8"));
  CHECK_FALSE(rank("linux/arm/v6", "linux/arm/v7"));
  CHECK_FALSE(rank("linux/arm/v5", "linux/arm/v6"));
  // amd64 levels: v3 runs v2 and the baseline.
  CHECK(rank("linux/amd64/v3", "linux/amd64/v2") == std::size_t{1});
  CHECK(rank("linux/amd64/v3", "linux/amd64") == std::size_t{2});
  CHECK_FALSE(rank("linux/amd64", "linux/amd64/v2"));
  // arm64: v8.2 runs v8.1 and v8; v9 runs v8.5 and below.
  CHECK(rank("linux/arm64/v8.2", "linux/arm64/v8.1") == std::size_t{1});
  CHECK(rank("linux/arm64/v8.2", "linux/arm64") == std::size_t{2});
  CHECK_FALSE(rank("linux/arm64", "linux/arm64/v8.1"));
  CHECK(rank("linux/arm64/v9", "linux/arm64/v8.5") == std::size_t{1});
  CHECK(rank("linux/arm64/v9", "linux/arm64/v8") == std::size_t{6});
  CHECK_FALSE(rank("linux/arm64/v9", "linux/arm64/v8.6"));
  CHECK(rank("linux/arm64/v9.1", "linux/arm64/v9") == std::size_t{1});
  CHECK(rank("linux/arm64/v9.1", "linux/arm64/v8.6") == std::size_t{2});
}

TEST_CASE("another architecture or OS never matches") {
  CHECK_FALSE(rank("linux/amd64", "linux/386"));     // containerd would fall back; we build for what was asked
  CHECK_FALSE(rank("linux/arm64", "linux/arm/v7"));  // likewise
  CHECK_FALSE(rank("linux/amd64", "windows/amd64"));
  CHECK_FALSE(platform_match_rank(Platform::parse("linux/amd64"), entry(R"({"os":"unknown","architecture":"unknown"})")));
  CHECK_FALSE(platform_match_rank(Platform::parse("linux/amd64"), entry(R"({})")));
  Platform windows_2019 = Platform::parse("windows/amd64");
  windows_2019.os_version = "10.0.17763.1";
  CHECK_FALSE(platform_match_rank(windows_2019, entry(R"({"os":"windows","architecture":"amd64","os.version":"10.0.20348.1"})")));
  CHECK(platform_match_rank(windows_2019, entry(R"({"os":"windows","architecture":"amd64","os.version":"10.0.17763.1"})")));
}
