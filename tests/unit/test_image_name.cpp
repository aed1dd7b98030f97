// -n and -t as docker, crane and ko take them, and the nearest-name helper
// behind "did you mean".
#include <catch2/catch.hpp>

#include "build/image_name.h"
#include "util/error.h"
#include "util/nearest_name.h"

using namespace venv2docker;

namespace {

std::string named(std::optional<std::string> name, std::optional<std::string> tag) {
  return image_name(name, tag, "venv", "0.1").full();
}

}  // namespace

TEST_CASE("-n and -t: a name, a tag, or a whole reference in either") {
  CHECK(named(std::nullopt, std::nullopt) == "docker.io/library/venv:0.1");
  CHECK(named("app", "1.2") == "docker.io/library/app:1.2");
  CHECK(named("ghcr.io/team/app:1.2", std::nullopt) == "ghcr.io/team/app:1.2");
  CHECK(named(std::nullopt, "ghcr.io/team/app:1.2") == "ghcr.io/team/app:1.2");
  CHECK(named(std::nullopt, "localhost:5000/app") == "localhost:5000/app:0.1");
  CHECK(named("localhost:5000/app", "2") == "localhost:5000/app:2");
  CHECK(named("app:1", "app:1") == "docker.io/library/app:1");
  CHECK(named("app", "docker.io/library/app:3") == "docker.io/library/app:3");
}

TEST_CASE("-n and -t that disagree, or a digest, are usage errors naming the flags") {
  CHECK_THROWS_WITH(named("app", "other/app:1"), Catch::Contains("--name app and --tag other/app:1"));
  CHECK_THROWS_WITH(named("app:1", "2"), Catch::Contains("--name app:1 has the tag 1, but --tag gives 2"));
  CHECK_THROWS_WITH(named("app:1", "x/app:2"), Catch::Contains("name different images"));
  CHECK_THROWS_AS(named("app@sha256:" + std::string(64, '0'), std::nullopt), UsageError);
  CHECK_THROWS_AS(named("App", std::nullopt), UsageError);
  try {
    named("Bad/Name:1", std::nullopt);
  } catch (const UsageError& error) {
    CHECK(std::string(error.what()).starts_with("--name \"Bad/Name:1\""));
    CHECK(error.hint().find("NAME[:TAG]") == std::string::npos);
  }
}

TEST_CASE("edit distance and the nearest name") {
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("push", "push") == 0);
  CHECK(edit_distance("pussh", "push") == 1);
  CHECK(edit_distance("entrypiont", "entrypoint") == 1);  // a swap of neighbours is one edit
  CHECK(edit_distance("kitten", "sitting") == 3);
  const std::vector<std::string> flags = {"--push", "--pip", "--platform", "--entrypoint"};
  CHECK(nearest_name("--psuh", flags) == "--push");
  CHECK(nearest_name("--plat", flags) == "--platform");  // an abbreviation
  CHECK_FALSE(nearest_name("--zzzzzzzzzz", flags));
}
