// Platform strings normalised as containerd does, and index matching.
#include <catch2/catch.hpp>

#include "platform.h"
#include "venv2docker/error.h"

using namespace venv2docker;

TEST_CASE("platform parsing and normalisation") {
  CHECK(Platform::parse("linux/amd64").str() == "linux/amd64");
  CHECK(Platform::parse("linux/x86_64").str() == "linux/amd64");
  CHECK(Platform::parse("Linux/AMD64").str() == "linux/amd64");
  CHECK(Platform::parse("linux/aarch64").str() == "linux/arm64");
  CHECK(Platform::parse("linux/arm64/v8").str() == "linux/arm64");
  CHECK(Platform::parse("linux/arm64/8").str() == "linux/arm64");
  CHECK(Platform::parse("linux/arm").str() == "linux/arm/v7");
  CHECK(Platform::parse("linux/arm/7").str() == "linux/arm/v7");
  CHECK(Platform::parse("linux/arm/v6").str() == "linux/arm/v6");
  CHECK(Platform::parse("linux/armhf").str() == "linux/arm/v7");
  CHECK(Platform::parse("linux/i386").str() == "linux/386");
  CHECK(Platform::parse("arm64").str() == "linux/arm64");
  CHECK_THROWS_AS(Platform::parse("linux/"), UsageError);
  CHECK_THROWS_AS(Platform::parse("a/b/c/d"), UsageError);
  CHECK_THROWS_AS(Platform::parse("linux/amd64;rm"), UsageError);
}

TEST_CASE("index entries match after normalisation") {
  auto entry = [](const char* json) { return Platform::from_json(nlohmann::json::parse(json)); };
  CHECK(Platform::parse("linux/amd64").matches(entry(R"({"os":"linux","architecture":"amd64"})")));
  CHECK(Platform::parse("linux/arm64").matches(entry(R"({"os":"linux","architecture":"arm64","variant":"v8"})")));
  CHECK(Platform::parse("linux/arm64/v8").matches(entry(R"({"os":"linux","architecture":"arm64"})")));
  CHECK(Platform::parse("linux/arm").matches(entry(R"({"os":"linux","architecture":"arm","variant":"v7"})")));
  CHECK_FALSE(Platform::parse("linux/arm").matches(entry(R"({"os":"linux","architecture":"arm","variant":"v6"})")));
  CHECK_FALSE(Platform::parse("linux/amd64").matches(entry(R"({"os":"windows","architecture":"amd64"})")));
  CHECK_FALSE(Platform::parse("linux/amd64").matches(entry(R"({"os":"unknown","architecture":"unknown"})")));
  CHECK_FALSE(Platform::parse("linux/amd64").matches(entry(R"({})")));
}
