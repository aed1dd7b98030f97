// The command line into BuildOptions: each flag group lands in its part of
// the options, the environment fills what the flags leave open, and parsing
// that ends the command says with which exit code.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "build/command_line.h"
#include "util/error.h"

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

TEST_CASE("a flag CLI11 refuses is a usage error (exit 2)") {
  CHECK_THROWS_AS(parse({"--compression-level", "13"}), UsageError);
}

TEST_CASE("-X=VALUE gives short options VALUE, as --long=VALUE does") {
  const ParsedCommandLine parsed = parse({"-w=/srv", "-u=1000:1000", "-e=A=1", "-n=app", "--", "-t=x"});
  const BuildOptions& options = parsed.command.options;
  CHECK(options.runtime.workdir == "/srv");
  CHECK(options.runtime.user == "1000:1000");
  CHECK(options.runtime.env == std::vector<std::string>{"A=1"});
  CHECK(options.name == "app");
  CHECK(options.venv == "-t=x");  // after "--", a word is the venv, whatever it looks like
  CHECK(parse({"-qv"}).command.verbose);  // short flags sharing one dash still work
}

TEST_CASE("an unknown flag is a usage error naming the nearest known one") {
  auto hint_for = [](const std::string& flag) {
    try {
      parse({flag, "venv"});
    } catch (const UsageError& error) {
      CHECK(std::string(error.what()) == "unknown flag " + flag.substr(0, flag.find('=')));
      return error.hint();
    }
    FAIL("no error for " << flag);
    return std::string();
  };
  CHECK(hint_for("--pussh").starts_with("did you mean --push?"));
  CHECK(hint_for("--entrypiont").starts_with("did you mean --entrypoint?"));
  CHECK(hint_for("--max-layer=3").starts_with("did you mean --max-layers?"));
  CHECK(hint_for("--compltely-different") == "venv2docker --help lists every flag");
}

TEST_CASE("--creds per registry, and one without a registry for the push target") {
  ScopedVariable user("VENV2DOCKER_REGISTRY_USER", nullptr);
  const ParsedCommandLine parsed = parse({"--creds", "ghcr.io=me:pw", "--creds", "localhost:5000=ci:p=w:x",
                                          "--creds", "docker.io=hub:tok", "--creds", "user:pa=ss"});
  const RegistryOptions& registry = parsed.command.options.registry;
  CHECK(registry.creds_by_registry == std::map<std::string, std::string>{
                                          {"ghcr.io", "me:pw"}, {"localhost:5000", "ci:p=w:x"}, {"docker.io", "hub:tok"}});
  CHECK(registry.creds == "user:pa=ss");  // "user:pa" is no registry host
  CHECK_THROWS_AS(parse({"--creds", "a:b", "--creds", "c:d"}), UsageError);
  CHECK_THROWS_AS(parse({"--creds", "ghcr.io=a:b", "--creds", "ghcr.io=c:d"}), UsageError);
}
