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

TEST_CASE("pyproject: Poetry 1's [tool.poetry] names, tags and gives the scripts where [project] does not") {
  const PyProject poetry = parse_pyproject(R"(
[tool.poetry]
name = "poetry-demo"
version = "0.3.1"
[tool.poetry.scripts]
demo = "app.main:run"
spelled = { callable = "app.cli:main" }
shell-file = { reference = "bin/tool.sh", type = "file" }
)", "pyproject.toml");
  CHECK(poetry.name == "poetry-demo");
  CHECK(default_tag(poetry) == "0.3.1");
  REQUIRE(poetry.scripts.size() == 2);
  CHECK(poetry.scripts[0].name == "demo");
  CHECK(poetry.scripts[1].target == "app.cli:main");
  // Poetry 2: [project] wins; a version [project] declares dynamic comes from [tool.poetry].
  const PyProject both = parse_pyproject(R"(
[project]
name = "from-project"
dynamic = ["version"]
[project.scripts]
one = "a:b"
[tool.poetry]
name = "from-poetry"
version = "2.0.0"
[tool.poetry.scripts]
two = "c:d"
)", "pyproject.toml");
  CHECK(both.name == "from-project");
  CHECK(both.version == "2.0.0");
  REQUIRE(both.scripts.size() == 1);
  CHECK(both.scripts[0].name == "one");
  CHECK_THROWS_WITH(parse_pyproject("[tool.poetry.scripts]\na = { callable = 1 }\n", "/p/pyproject.toml"),
                    Catch::Matchers::Contains("[tool.poetry.scripts].a.callable is not a string"));
}

TEST_CASE("pyproject: a file without metadata, or with a dynamic version, gives no name or version") {
  const PyProject other = parse_pyproject("[tool.black]\nline-length = 100\n", "pyproject.toml");
  CHECK_FALSE(other.name);
  CHECK(other.scripts.empty());
  CHECK(default_tag(other) == "latest");
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
