// pyproject.toml as the build reads it, and the defaults it gives.
#include <catch2/catch.hpp>

#include "build/project_defaults.h"
#include "project/pyproject.h"
#include "util/error.h"

using namespace venv2docker;

TEST_CASE("pyproject: [project] name, version and scripts") {
  const PyProject project = parse_pyproject(R"(
[project]
name = "Hello_World.App"
version = "1.2.0+local.7"
dependencies = ["requests"]
[project.scripts]
zeta = "pkg:z"
alpha = "pkg.cli:main"
)", "/p/pyproject.toml");
  CHECK(project.name == "Hello_World.App");
  CHECK(project.version == "1.2.0+local.7");
  REQUIRE(project.scripts.size() == 2);
  CHECK(project.scripts[0].name == "alpha");
  CHECK(project.scripts[0].target == "pkg.cli:main");
  CHECK(default_tag(project) == "1.2.0-local.7");
}

TEST_CASE("pyproject: a file without [project], or with a dynamic version, gives no name or version") {
  const PyProject poetry = parse_pyproject("[tool.poetry]\nname = \"demo\"\n", "pyproject.toml");
  CHECK_FALSE(poetry.name);
  CHECK(poetry.scripts.empty());
  CHECK(default_tag(poetry) == "latest");
  const PyProject dynamic = parse_pyproject("[project]\nname = \"d\"\ndynamic = [\"version\"]\n", "pyproject.toml");
  CHECK_FALSE(dynamic.version);
  CHECK(default_tag(std::nullopt) == "latest");
}

TEST_CASE("pyproject: a tag is made of what a tag may hold") {
  CHECK(default_tag(parse_pyproject("[project]\nversion = \".1!2\"\n", "p")) == "_1-2");
  CHECK(default_tag(parse_pyproject("[project]\nversion = \"" + std::string(300, '9') + "\"\n", "p")).size() == 128);
}

TEST_CASE("pyproject: TOML errors name the file, line and column") {
  try {
    (void)parse_pyproject("[project]\nname = \"x\"\nversion = 1.2.0+\n", "/p/pyproject.toml");
    FAIL("no error");
  } catch (const Error& error) {
    CHECK_THAT(error.what(), Catch::Matchers::StartsWith("cannot read /p/pyproject.toml: line 3, column"));
  }
  CHECK_THROWS_WITH(parse_pyproject("[project]\nname = 7\n", "/p/pyproject.toml"),
                    Catch::Matchers::Contains("[project].name is not a string"));
  CHECK_THROWS_WITH(parse_pyproject("[project]\nscripts = [\"a\"]\n", "/p/pyproject.toml"),
                    Catch::Matchers::Contains("[project.scripts] is not a table"));
  CHECK_THROWS_WITH(parse_pyproject("[project.scripts]\na = 1\n", "/p/pyproject.toml"),
                    Catch::Matchers::Contains("[project.scripts].a is not a string"));
}
