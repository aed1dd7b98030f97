// [tool.venv2docker] in pyproject.toml: its TOML shapes (project/tool_settings)
// and its merge into the command line (build/config_file): keys are the long
// flags, the command line overrides the file, the file the defaults, and a
// bad key or value is refused naming the file, the line and the key.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "build/command_line.h"
#include "project/tool_settings.h"
#include "temp_dir.h"
#include "util/error.h"
#include "util/nearest_name.h"

using namespace venv2docker;

namespace {

// A project folder holding `pyproject`, parsed with `words` and --project
// naming it (so the file is found whatever the current folder).
struct Project {
  test::TempDir folder;
  explicit Project(const std::string& pyproject) {
    std::ofstream(folder / "pyproject.toml") << pyproject;
  }
  ParsedCommandLine parse(std::vector<std::string> words) const {
    words.insert(words.begin(), {"venv2docker", "--project", folder.path().string()});
    std::vector<char*> argv;
    for (auto& word : words) argv.push_back(word.data());
    return parse_command_line(static_cast<int>(argv.size()), argv.data());
  }
  std::string file() const { return (folder / "pyproject.toml").string(); }
};

const char* const k_settings = R"([project]
name = "demo"

[tool.venv2docker]
name = "registry.example/team/demo"
tag = "1.0"
base = "python:3.11-slim"
load = true
threads = 3
exclude = ["tests/", "*.md"]
ports = [8080, "53/udp"]
env = { APP_MODE = "production", WORKERS = 4 }
label = { "org.opencontainers.image.source" = "https://example.org/demo" }
cmd = ["demo", "--serve"]
)";

}  // namespace

TEST_CASE("tool settings: each key with its shape, values and line, in the file's order") {
  const ToolSettings settings = parse_tool_settings(k_settings, "/p/pyproject.toml");
  REQUIRE(settings.settings.size() == 10);
  CHECK(settings.settings[0].key == "name");
  CHECK(settings.settings[0].line == 5);
  CHECK(settings.settings[3].shape == SettingShape::boolean);
  CHECK(settings.settings[3].values == std::vector<std::string>{"true"});
  CHECK(settings.settings[4].values == std::vector<std::string>{"3"});
  CHECK(settings.settings[6].values == std::vector<std::string>{"8080", "53/udp"});
  CHECK(settings.settings[7].shape == SettingShape::table);
  CHECK(settings.settings[7].values == std::vector<std::string>{"APP_MODE=production", "WORKERS=4"});
  CHECK(parse_tool_settings("[project]\nname = \"x\"\n", "p").settings.empty());
}

TEST_CASE("tool settings: a shape no flag takes is refused with its line") {
  CHECK_THROWS_WITH(parse_tool_settings("[tool.venv2docker]\nthreads = 1.5\n", "/p/pyproject.toml"),
                    Catch::Contains("/p/pyproject.toml:2") && Catch::Contains("threads"));
  CHECK_THROWS_WITH(parse_tool_settings("[tool.venv2docker]\n\nenv = { A = { B = \"c\" } }\n", "p"),
                    Catch::Contains("p:3") && Catch::Contains("env"));
  CHECK_THROWS_WITH(parse_tool_settings("[tool.venv2docker]\nexclude = [[1]]\n", "p"), Catch::Contains("exclude"));
  CHECK_THROWS_WITH(parse_tool_settings("[tool]\nvenv2docker = 1\n", "p"), Catch::Contains("not a table"));
  CHECK_THROWS_WITH(parse_tool_settings("[tool.venv2docker\n", "p"), Catch::Contains("line 1"));
}

TEST_CASE("config file: the file fills what the command line leaves unset") {
  const Project project(k_settings);
  const ParsedCommandLine parsed = project.parse({});
  REQUIRE_FALSE(parsed.exit_code);
  const BuildOptions& options = parsed.command.options;
  CHECK(options.name == "registry.example/team/demo");
  CHECK(options.tag == "1.0");
  CHECK(options.base == "python:3.11-slim");
  CHECK(options.load);
  CHECK(options.threads == 3);
  CHECK(options.excludes == std::vector<std::string>{"tests/", "*.md"});
  CHECK(options.runtime.ports == std::vector<std::string>{"8080", "53/udp"});
  CHECK(options.runtime.env == std::vector<std::string>{"APP_MODE=production", "WORKERS=4"});
  CHECK(options.runtime.labels == std::vector<std::string>{"org.opencontainers.image.source=https://example.org/demo"});
  CHECK(options.runtime.cmd == std::vector<std::string>{"demo", "--serve"});
}

TEST_CASE("config file: a flag on the command line overrides the file's key, a repeatable one entirely") {
  const Project project(k_settings);
  const ParsedCommandLine parsed = project.parse({"-n", "other", "--exclude", "docs/", "-e", "ONLY=1"});
  REQUIRE_FALSE(parsed.exit_code);
  CHECK(parsed.command.options.name == "other");
  CHECK(parsed.command.options.tag == "1.0");  // not on the command line: the file's
  CHECK(parsed.command.options.excludes == std::vector<std::string>{"docs/"});
  CHECK(parsed.command.options.runtime.env == std::vector<std::string>{"ONLY=1"});
}

TEST_CASE("config file: a switch set false, and a file without the table, leave the defaults") {
  CHECK_FALSE(Project("[tool.venv2docker]\nload = false\n").parse({}).command.options.load);
  const ParsedCommandLine plain = Project("[project]\nname = \"x\"\n").parse({});
  REQUIRE_FALSE(plain.exit_code);
  CHECK(plain.command.options.compression_level == BuildOptions{}.compression_level);
}

TEST_CASE("config file: an unknown key names the file, its line and the nearest key") {
  const Project project("[tool.venv2docker]\nname = \"a\"\nentrypont = \"x\"\n");
  CHECK_THROWS_AS(project.parse({}), UsageError);
  try {
    project.parse({});
  } catch (const UsageError& error) {
    CHECK(std::string(error.what()) == project.file() + ":3: [tool.venv2docker] has an unknown key entrypont");
    CHECK_THAT(error.hint(), Catch::StartsWith("did you mean entrypoint?"));
  }
  // A key near no flag gets no guess, only where the keys come from.
  try {
    Project("[tool.venv2docker]\nzzzzzzzzzzzz = 1\n").parse({});
    FAIL("no error");
  } catch (const UsageError& error) {
    CHECK_THAT(error.hint(), Catch::StartsWith("The keys are the long flag names"));
  }
}

TEST_CASE("config file: a value of the wrong type or shape names the key and what it takes") {
  CHECK_THROWS_WITH(Project("[tool.venv2docker]\nload = \"yes\"\n").parse({}),
                    Catch::Contains("pyproject.toml:2") && Catch::Contains("--load is a switch"));
  CHECK_THROWS_WITH(Project("[tool.venv2docker]\nname = [\"a\", \"b\"]\n").parse({}),
                    Catch::Contains("--name takes one value"));
  CHECK_THROWS_WITH(Project("[tool.venv2docker]\nexclude = { a = \"b\" }\n").parse({}),
                    Catch::Contains("--exclude takes a list"));
  CHECK_THROWS_WITH(Project("[tool.venv2docker]\nthreads = \"many\"\n").parse({}),
                    Catch::Contains("pyproject.toml:2") && Catch::Contains("threads"));
  CHECK_THROWS_WITH(Project("[tool.venv2docker]\ncompression-level = 13\n").parse({}),
                    Catch::Contains("compression-level"));
}

TEST_CASE("config file: a password, and flags that are commands, cannot be kept in the file") {
  CHECK_THROWS_WITH(Project("[tool.venv2docker]\ncreds = \"me:secret\"\n").parse({}),
                    Catch::Contains("cannot hold creds") && !Catch::Contains("secret"));
  CHECK_THROWS_WITH(Project("[tool.venv2docker]\nclean = true\n").parse({}), Catch::Contains("cannot hold clean"));
}

TEST_CASE("config file: a key and its alias both set is refused") {
  CHECK_THROWS_WITH(Project("[tool.venv2docker]\nvenv-path = \"/a\"\nlib-path = \"/b\"\n").parse({}),
                    Catch::Contains("a second time"));
}

TEST_CASE("nearest name: the fewest edits, a swap of neighbours counting as one") {
  const std::vector<std::string> names{"entrypoint", "env", "exclude", "platform"};
  CHECK(nearest_name("entrypiont", names) == "entrypoint");
  CHECK(nearest_name("evn", names) == "env");
  CHECK(nearest_name("platfrom", names) == "platform");
  CHECK_FALSE(nearest_name("x", {}));
}
