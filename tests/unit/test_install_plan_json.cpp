#include <catch2/catch.hpp>

#include "debian/install_plan_json.h"
#include "util/error.h"

using namespace venv2docker;
using namespace venv2docker::debian;
using nlohmann::json;

namespace {

std::vector<SourceRelease> one_source(std::time_t date) {
  SourceRelease release;
  release.source.uri = "http://deb.example/debian";
  release.source.suite = "bookworm";
  release.source.components = {"main"};
  release.release.date = date;
  return {release};
}

Package jq() {
  Package package;
  package.name = "jq";
  package.version = "1.6-2.1+deb12u3";
  package.architecture = "amd64";
  package.multi_arch = "foreign";
  package.filename = "pool/main/j/jq/jq_1.6-2.1+deb12u3_amd64.deb";
  package.size = 64432;
  package.sha256 = std::string(64, 'c');
  package.installed_size = 111;
  package.archive_uri = "http://deb.example/debian";
  return package;
}

// The message install_plan_from_json refuses `plan` with, or "" when it takes it.
std::string refusal(const json& plan, const std::vector<SourceRelease>& releases) {
  try {
    (void)install_plan_from_json(plan, releases, "amd64", "the plan");
    return "";
  } catch (const Error& error) {
    return error.what();
  }
}

}  // namespace

TEST_CASE("install plans as JSON: read back as written, with the Dates of their Releases") {
  const auto releases = one_source(1700000000);
  const json plan = install_plan_json({jq()}, releases);
  CHECK(plan.at("releases").at(0).at("date") == 1700000000);
  const std::vector<Package> read = install_plan_from_json(plan, releases, "amd64", "the plan");
  REQUIRE(read.size() == 1);
  CHECK(read[0].label() == "jq 1.6-2.1+deb12u3");
  CHECK(read[0].filename == jq().filename);
  CHECK(read[0].sha256 == jq().sha256);
  CHECK(read[0].size == jq().size);
  CHECK(read[0].installed_size == jq().installed_size);
  CHECK(read[0].archive_uri == jq().archive_uri);
  CHECK(read[0].multi_arch == "foreign");
}

TEST_CASE("install plans as JSON: a plan from another Release, or with a field a build must not act on, is refused") {
  const auto releases = one_source(1700000000);
  const json good = install_plan_json({jq()}, releases);
  CHECK(refusal(good, one_source(1700000001)).find("was made from another Release of http://deb.example/debian") !=
        std::string::npos);
  CHECK(refusal(good, {}).find("another number of apt sources") != std::string::npos);

  const std::vector<std::tuple<std::string, json, std::string>> bad = {
      {"name", "JQ", "is not a Debian package name"},
      {"name", "jq\nEvil", "is not a Debian package name"},
      {"version", "1.6 2", "no valid Debian version"},
      {"architecture", "arm64", "another architecture"},
      {"sha256", std::string(64, 'C'), "no valid SHA-256"},
      {"sha256", "abc", "no valid SHA-256"},
      {"filename", "../../etc/passwd", "outside its archive"},
      {"filename", "/etc/passwd", "outside its archive"},
      {"filename", "pool/a b.deb", "outside its archive"},
      {"archive_uri", "http://elsewhere.example/debian", "none of the apt sources"},
      {"size", "64432", "shape"},
      {"size", -1, "shape"},
  };
  for (const auto& [field, value, message] : bad) {
    json plan = good;
    plan["packages"][0][field] = value;
    INFO(field << " = " << value.dump());
    CHECK(refusal(plan, releases).find(message) != std::string::npos);
  }
  json no_packages = good;
  no_packages.erase("packages");
  CHECK(refusal(no_packages, releases).find("shape") != std::string::npos);
  CHECK(refusal(json::array(), releases).find("shape") != std::string::npos);
  json all = good;
  all["packages"][0]["architecture"] = "all";
  CHECK(refusal(all, releases).empty());
}
