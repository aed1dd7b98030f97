// The command line into BuildOptions: each flag group lands in its part of
// the options, the environment fills what the flags leave open, and parsing
// that ends the command says with which exit code.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>
#include <vector>

#include "build/command_line.h"

using namespace venv2docker;

namespace {

ParsedCommandLine parse(std::vector<std::string> words) {
  words.insert(words.begin(), "venv2docker");
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  return parse_command_line(static_cast<int>(argv.size()), argv.data());
}

// Sets (or, with nullptr, unsets) a variable for one scope.
struct ScopedVariable {
  std::string name;
  std::optional<std::string> before;
  ScopedVariable(std::string variable, const char* value) : name(std::move(variable)) {
    if (const char* old = std::getenv(name.c_str())) before = old;
    if (value) {
      ::setenv(name.c_str(), value, 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
  ~ScopedVariable() {
    if (before) {
      ::setenv(name.c_str(), before->c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
};

}  // namespace

TEST_CASE("flags land in their part of BuildOptions") {
  ScopedVariable epoch("SOURCE_DATE_EPOCH", "1700000000");
  ScopedVariable user("VENV2DOCKER_REGISTRY_USER", nullptr);
  const ParsedCommandLine parsed =
      parse({"/srv/venv", "-n", "app", "-o", "oci:out:v1", "--env", "A=1,B=2", "--ports", "8080", "--workdir", "/w",
             "--annotation", "k=v", "--apt", "jq", "--ca-cert", "ca.pem", "--project", "/srv/app", "--json", "-v"});
  REQUIRE_FALSE(parsed.exit_code);
  const BuildOptions& options = parsed.command.options;
  CHECK(options.venv == "/srv/venv");
  CHECK(options.name == "app");
  CHECK(options.outputs == std::vector<std::string>{"oci:out:v1"});
  CHECK(options.runtime.env == std::vector<std::string>{"A=1,B=2"});
  CHECK(options.runtime.ports == std::vector<std::string>{"8080"});
  CHECK(options.runtime.workdir == "/w");
  CHECK(options.annotations == std::vector<std::string>{"k=v"});
  CHECK(options.apt.requests == std::vector<std::string>{"jq"});
  REQUIRE(options.registry.ca_certs.size() == 1);
  CHECK(options.registry.ca_certs[0] == "ca.pem");
  CHECK(options.project == "/srv/app");
  CHECK_FALSE(options.registry.creds);
  CHECK(options.epoch == 1700000000);
  CHECK(parsed.command.json);
  CHECK(parsed.command.verbosity() == Verbosity::quiet);  // --json keeps stderr quiet, even with -v
}

TEST_CASE("registry credentials: --creds, else the environment's") {
  ScopedVariable user("VENV2DOCKER_REGISTRY_USER", "robot");
  ScopedVariable password("VENV2DOCKER_REGISTRY_PASSWORD", "s3cret");
  CHECK(parse({}).command.options.registry.creds == "robot:s3cret");
  CHECK(parse({"--creds", "me:pw"}).command.options.registry.creds == "me:pw");
}

TEST_CASE("a flag CLI11 refuses ends the command with exit code 2") {
  const ParsedCommandLine parsed = parse({"--compression-level", "13"});
  CHECK(parsed.exit_code == 2);
}
