#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "image/reference.h"
#include "util/error.h"

using namespace venv2docker;

namespace {

const std::string k_hex = "4f2c3b1ad08e6a7c9b5f3e2d1c0b9a8f7e6d5c4b3a291807f6e5d4c3b2a19081";
const std::string k_digest = "sha256:" + k_hex;

struct Valid {
  std::string input;
  std::string registry;
  std::string repository;
  std::optional<std::string> tag;
  bool has_digest;
  std::string api_host;
  std::string full;
  std::string familiar;
};

// What Docker's ParseNormalizedNamed / FamiliarString give for each input.
const std::vector<Valid> k_valid = {
    {"python", "docker.io", "library/python", std::nullopt, false, "registry-1.docker.io",
     "docker.io/library/python", "python"},
    {"python:3.11-slim", "docker.io", "library/python", "3.11-slim", false, "registry-1.docker.io",
     "docker.io/library/python:3.11-slim", "python:3.11-slim"},
    {"library/python", "docker.io", "library/python", std::nullopt, false, "registry-1.docker.io",
     "docker.io/library/python", "python"},
    {"docker.io/python", "docker.io", "library/python", std::nullopt, false, "registry-1.docker.io",
     "docker.io/library/python", "python"},
    {"docker.io/library/python", "docker.io", "library/python", std::nullopt, false, "registry-1.docker.io",
     "docker.io/library/python", "python"},
    {"index.docker.io/library/python:3", "docker.io", "library/python", "3", false, "registry-1.docker.io",
     "docker.io/library/python:3", "python:3"},
    {"index.docker.io/python", "docker.io", "library/python", std::nullopt, false, "registry-1.docker.io",
     "docker.io/library/python", "python"},
    {"someone/app", "docker.io", "someone/app", std::nullopt, false, "registry-1.docker.io",
     "docker.io/someone/app", "someone/app"},
    {"someone/app:v1", "docker.io", "someone/app", "v1", false, "registry-1.docker.io",
     "docker.io/someone/app:v1", "someone/app:v1"},
    // "library/" is dropped from the familiar form only for one-level names.
    {"library/a/b", "docker.io", "library/a/b", std::nullopt, false, "registry-1.docker.io",
     "docker.io/library/a/b", "library/a/b"},
    {"localhost/x", "localhost", "x", std::nullopt, false, "localhost", "localhost/x", "localhost/x"},
    {"localhost:5000/x", "localhost:5000", "x", std::nullopt, false, "localhost:5000", "localhost:5000/x",
     "localhost:5000/x"},
    // A lone "localhost" or "host:5000" is a Docker Hub name (and a tag), as in Docker.
    {"localhost", "docker.io", "library/localhost", std::nullopt, false, "registry-1.docker.io",
     "docker.io/library/localhost", "localhost"},
    {"localhost:5000", "docker.io", "library/localhost", "5000", false, "registry-1.docker.io",
     "docker.io/library/localhost:5000", "localhost:5000"},
    {"127.0.0.1:5000/a/b:t", "127.0.0.1:5000", "a/b", "t", false, "127.0.0.1:5000", "127.0.0.1:5000/a/b:t",
     "127.0.0.1:5000/a/b:t"},
    // Upper case marks the first component as a registry; the registry keeps its case.
    {"Example.com/x", "Example.com", "x", std::nullopt, false, "Example.com", "Example.com/x", "Example.com/x"},
    {"Registry/x", "Registry", "x", std::nullopt, false, "Registry", "Registry/x", "Registry/x"},
    {"example:5000/x", "example:5000", "x", std::nullopt, false, "example:5000", "example:5000/x",
     "example:5000/x"},
    // A registry is never given "library/".
    {"ghcr.io/x", "ghcr.io", "x", std::nullopt, false, "ghcr.io", "ghcr.io/x", "ghcr.io/x"},
    {"ghcr.io/a/b/c@" + k_digest, "ghcr.io", "a/b/c", std::nullopt, true, "ghcr.io", "ghcr.io/a/b/c@" + k_digest,
     "ghcr.io/a/b/c@" + k_digest},
    {"name:tag@" + k_digest, "docker.io", "library/name", "tag", true, "registry-1.docker.io",
     "docker.io/library/name:tag@" + k_digest, "name:tag@" + k_digest},
    {"python@" + k_digest, "docker.io", "library/python", std::nullopt, true, "registry-1.docker.io",
     "docker.io/library/python@" + k_digest, "python@" + k_digest},
    {"[::1]:5000/x", "[::1]:5000", "x", std::nullopt, false, "[::1]:5000", "[::1]:5000/x", "[::1]:5000/x"},
    {"[fe80::1]/x:t", "[fe80::1]", "x", "t", false, "[fe80::1]", "[fe80::1]/x:t", "[fe80::1]/x:t"},
    {"my-registry.example.com:443/team/app:2024.01_rc-1", "my-registry.example.com:443", "team/app",
     "2024.01_rc-1", false, "my-registry.example.com:443", "my-registry.example.com:443/team/app:2024.01_rc-1",
     "my-registry.example.com:443/team/app:2024.01_rc-1"},
    // Separators: one '.', one or two '_', any number of '-'.
    {"ns/a.b_c__d---e", "docker.io", "ns/a.b_c__d---e", std::nullopt, false, "registry-1.docker.io",
     "docker.io/ns/a.b_c__d---e", "ns/a.b_c__d---e"},
    // A dot in the first component makes it a registry, even where a name was meant.
    {"a.b/c", "a.b", "c", std::nullopt, false, "a.b", "a.b/c", "a.b/c"},
    {"x:_Tag.1-", "docker.io", "library/x", "_Tag.1-", false, "registry-1.docker.io", "docker.io/library/x:_Tag.1-",
     "x:_Tag.1-"},
    {"a:" + std::string(128, 't'), "docker.io", "library/a", std::string(128, 't'), false, "registry-1.docker.io",
     "docker.io/library/a:" + std::string(128, 't'), "a:" + std::string(128, 't')},
    // 9 + 1 + 245 = 255 characters: the longest name there can be.
    {"docker.io/n/" + std::string(243, 'a'), "docker.io", "n/" + std::string(243, 'a'), std::nullopt, false,
     "registry-1.docker.io", "docker.io/n/" + std::string(243, 'a'), "n/" + std::string(243, 'a')},
};

struct Invalid {
  std::string input;
  std::string reason;  // a piece of the message parse_or_throw must give
};

const std::vector<Invalid> k_invalid = {
    {"", "empty"},
    {"UPPER", "must be lowercase"},
    {"Upper:tag", "must be lowercase"},
    {"docker.io/Python", "must be lowercase"},
    {"someone/App", "must be lowercase"},
    {"ghcr.io/a/B", "must be lowercase"},
    {"a//b", "repository name"},
    {"x/", "repository name"},
    {"/x", "repository name"},
    {"a:", "tag"},
    {":tag", "repository name"},
    {"-a", "repository name"},
    {"a-", "repository name"},
    {"a..b", "repository name"},
    {"a___b", "repository name"},
    {".a", "repository name"},
    {"a b", "repository name"},
    {"a:-tag", "tag"},
    {"a:.tag", "tag"},
    {"a:t:t", "tag"},
    {"a:" + std::string(129, 't'), "tag"},
    {"a@sha256:short", "digest"},
    {"a@sha256:" + std::string(64, 'A'), "digest"},
    {"a@", "digest"},
    {"a@" + k_hex, "digest"},
    {"a@sha512:" + k_hex + k_hex, "only sha256"},
    {"a@md5:d41d8cd98f00b204e9800998ecf8427e", "only sha256"},
    {"a@sha256:" + k_hex + "@sha256:" + k_hex, "digest"},
    {k_hex, "image ID"},
    {"localhost:port/x", "registry"},
    {"-bad.com/x", "registry"},
    {"bad-.com/x", "registry"},
    {"a..com/x", "registry"},
    {"[::1/x", "registry"},
    {"[]:5000/x", "registry"},
    {"[::g]/x", "registry"},
    {"host.com:/x", "registry"},
    {"under_score.com/x", "registry"},
    {"example.com/", "repository name"},
    {"docker.io/n/" + std::string(244, 'a'), "255"},
};

}  // namespace

TEST_CASE("reference: normalises like Docker", "[reference]") {
  for (const auto& expected : k_valid) {
    INFO("input: " << expected.input);
    auto parsed = Reference::parse(expected.input);
    REQUIRE(parsed);
    CHECK(parsed->registry == expected.registry);
    CHECK(parsed->repository == expected.repository);
    CHECK(parsed->tag == expected.tag);
    CHECK(parsed->digest.has_value() == expected.has_digest);
    if (expected.has_digest) CHECK(parsed->digest->str() == k_digest);
    CHECK(parsed->api_host() == expected.api_host);
    CHECK(parsed->full() == expected.full);
    CHECK(parsed->familiar() == expected.familiar);
    CHECK(parsed->name() == expected.registry + "/" + expected.repository);
    // The full form is itself a valid reference that means the same thing.
    auto again = Reference::parse(parsed->full());
    REQUIRE(again);
    CHECK(again->full() == parsed->full());
    CHECK(Reference::parse_or_throw(expected.input, "--base").full() == expected.full);
  }
}

TEST_CASE("reference: refuses what Docker refuses, saying why and naming the flag", "[reference]") {
  for (const auto& bad : k_invalid) {
    INFO("input: \"" << bad.input << "\"");
    CHECK_FALSE(Reference::parse(bad.input));
    try {
      Reference::parse_or_throw(bad.input, "--tag");
      FAIL("no error for \"" + bad.input + "\"");
    } catch (const UsageError& error) {
      std::string message = error.what();
      INFO("message: " << message);
      CHECK(message.starts_with("--tag "));
      CHECK(message.find(bad.reason) != std::string::npos);
      CHECK(message.size() < 400);  // long inputs are quoted only in part
      CHECK_FALSE(error.hint().empty());
    }
  }
}

TEST_CASE("reference: a lone host-like word is a Docker Hub name, as in Docker", "[reference]") {
  auto parsed = Reference::parse("example.com");
  REQUIRE(parsed);
  CHECK(parsed->full() == "docker.io/library/example.com");
}

TEST_CASE("reference: tag_or_latest", "[reference]") {
  CHECK(Reference::parse("python")->tag_or_latest() == "latest");
  CHECK(Reference::parse("python:3")->tag_or_latest() == "3");
  CHECK(Reference::parse("python:3@" + k_digest)->tag_or_latest() == "3");
  // A digest pins the image; no tag is invented beside it.
  CHECK(Reference::parse("python@" + k_digest)->tag_or_latest().empty());
}
