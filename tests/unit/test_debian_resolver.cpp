#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "debian/package_universe.h"
#include "debian/resolver.h"
#include "host_dpkg_status.h"
#include "util/error.h"

using namespace venv2docker;
using namespace venv2docker::debian;

namespace {

// One Packages stanza: name, version and any further "Field: value" lines.
std::string stanza(const std::string& name, const std::string& version, const std::string& fields = "") {
  return "Package: " + name + "\nVersion: " + version + "\nArchitecture: amd64\n" + fields + "\n";
}

// One source's Packages index and its pin priority.
struct Source {
  std::string packages;
  int pin = k_pin_default;
};

// A universe built through the real parsers, as the fetcher will build it:
// the sources in order, then dpkg's status.
PackageUniverse universe_of(const std::vector<Source>& sources, const std::string& installed = "") {
  PackageUniverse universe;
  for (const auto& source : sources) {
    for (auto& package : parse_packages_index(source.packages, "amd64", "test Packages")) {
      package.pin_priority = source.pin;
      universe.add_available(std::move(package));
    }
  }
  std::string status;
  for (const auto& paragraph : parse_deb822(installed, "test status")) {
    status += "Status: install ok installed\n" + paragraph.text() + "\n";
  }
  for (auto& package : parse_dpkg_status(status, "amd64", "test status")) universe.add_installed(std::move(package));
  return universe;
}

PackageUniverse universe_of(const std::string& available, const std::string& installed = "") {
  return universe_of(std::vector<Source>{{available}}, installed);
}

// The plan as "name version" strings, in order.
std::vector<std::string> labels(const InstallPlan& plan) {
  std::vector<std::string> out;
  for (const auto* package : plan.packages) out.push_back(package->label());
  return out;
}

std::vector<std::string> plan_of(const PackageUniverse& universe, const std::vector<std::string>& requested) {
  return labels(resolve_install(universe, requested));
}

// What resolve_install throws, message and hint.
Error error_from(const PackageUniverse& universe, const std::vector<std::string>& requested) {
  try {
    resolve_install(universe, requested);
  } catch (const Error& error) {
    return error;
  }
  return Error("(no error)");
}

std::string error_of(const PackageUniverse& universe, const std::vector<std::string>& requested) {
  return error_from(universe, requested).what();
}

using Labels = std::vector<std::string>;

}  // namespace

TEST_CASE("resolver: dependencies come before their dependants", "[debian][resolver]") {
  const auto universe =
      universe_of(stanza("app", "1.0", "Depends: libfoo1, libbaz\n") +
                  stanza("libfoo1", "1.0", "Pre-Depends: libpre\nDepends: libbar (>= 2)\n") + stanza("libbar", "2.1") +
                  stanza("libpre", "1") + stanza("libbaz", "1") + stanza("unrelated", "1"));
  CHECK(plan_of(universe, {"app"}) == Labels{"libpre 1", "libbar 2.1", "libfoo1 1.0", "libbaz 1", "app 1.0"});
  // Same input, same plan.
  CHECK(plan_of(universe, {"app"}) == plan_of(universe, {"app"}));
}

TEST_CASE("resolver: Recommends and Suggests are not installed", "[debian][resolver]") {
  const auto universe = universe_of(stanza("app", "1", "Recommends: extra\nSuggests: more\n") + stanza("extra", "1") +
                                    stanza("more", "1"));
  CHECK(plan_of(universe, {"app"}) == Labels{"app 1"});
}

TEST_CASE("resolver: apt's candidate version, and no other by itself", "[debian][resolver]") {
  const std::string libs = stanza("lib", "1") + stanza("lib", "3") + stanza("lib", "2");
  SECTION("the highest version") {
    CHECK(plan_of(universe_of(libs + stanza("app", "1", "Depends: lib\n")), {"app"}) == Labels{"lib 3", "app 1"});
  }
  SECTION("a bound the candidate does not meet is an error, as with apt-get, naming the way out") {
    const auto universe = universe_of(libs + stanza("app", "1", "Depends: lib (<< 3)\n"));
    const auto error = error_from(universe, {"app"});
    CHECK(std::string(error.what()) ==
          "cannot install app: it depends on lib (<< 3), but the sources have 3, 2, 1 (apt installs the candidate, 3, "
          "unless asked for another with --apt lib=VERSION)");
    CHECK(plan_of(universe, {"lib=2", "app"}) == Labels{"lib 2", "app 1"});
  }
}

TEST_CASE("resolver: pin priorities choose the candidate", "[debian][resolver]") {
  const Source main{stanza("tool", "1.0-1")};
  const Source security{stanza("tool", "1.0-1+deb12u1")};
  const Source backports{stanza("tool", "2.0-1~bpo12+1"), k_pin_but_automatic_upgrades};
  const Source experimental{stanza("tool", "3.0-1") + stanza("new-only", "1"), k_pin_not_automatic};
  SECTION("every source at 500: the highest version, wherever it comes from") {
    CHECK(plan_of(universe_of({main, security}), {"tool"}) == Labels{"tool 1.0-1+deb12u1"});
    // An older security version does not win over a newer point release.
    CHECK(plan_of(universe_of({{stanza("tool", "1.0-1+deb12u2")}, security}), {"tool"}) ==
          Labels{"tool 1.0-1+deb12u2"});
  }
  SECTION("NotAutomatic suites lose to any source at 500, however new") {
    CHECK(plan_of(universe_of({main, security, backports, experimental}), {"tool"}) == Labels{"tool 1.0-1+deb12u1"});
  }
  SECTION("ButAutomaticUpgrades (backports) beats NotAutomatic alone (experimental)") {
    CHECK(plan_of(universe_of({backports, experimental}), {"tool"}) == Labels{"tool 2.0-1~bpo12+1"});
    CHECK(plan_of(universe_of({experimental}), {"new-only"}) == Labels{"new-only 1"});
  }
  SECTION("installed from backports: upgraded within backports, never downgraded") {
    const auto universe = universe_of({main, {stanza("tool", "2.0-1~bpo12+1") + stanza("tool", "2.1-1~bpo12+1"),
                                              k_pin_but_automatic_upgrades}},
                                      stanza("tool", "2.0-1~bpo12+1"));
    CHECK(universe.candidate("tool")->version == "2.1-1~bpo12+1");
    const auto kept = universe_of({main}, stanza("tool", "2.0-1~bpo12+1"));
    CHECK(kept.candidate("tool") == kept.installed("tool"));
    CHECK(resolve_install(kept, {"tool"}).packages.empty());
  }
  SECTION("a version in two sources has the better pin") {
    const auto universe = universe_of({{stanza("tool", "2.0-1~bpo12+1"), k_pin_but_automatic_upgrades},
                                       {stanza("tool", "2.0-1~bpo12+1")},
                                       main});
    CHECK(universe.candidate("tool")->version == "2.0-1~bpo12+1");
  }
  SECTION("name=version installs from any source") {
    CHECK(plan_of(universe_of({main, experimental}), {"tool=3.0-1"}) == Labels{"tool 3.0-1"});
  }
}

TEST_CASE("resolver: name=version picks that version", "[debian][resolver]") {
  const auto universe = universe_of(stanza("jq", "1.6-2.1") + stanza("jq", "1.6-2.1+deb12u1") +
                                    stanza("tool", "1", "Depends: jq (>= 1.6)\n"));
  CHECK(plan_of(universe, {"jq=1.6-2.1"}) == Labels{"jq 1.6-2.1"});
  CHECK(plan_of(universe, {"jq"}) == Labels{"jq 1.6-2.1+deb12u1"});
  CHECK(plan_of(universe, {"jq=1.6-2.1", "tool"}) == Labels{"jq 1.6-2.1", "tool 1"});
  CHECK(error_of(universe, {"jq=9"}) ==
        "no version 9 of \"jq\" in the apt sources (they have 1.6-2.1+deb12u1, 1.6-2.1)");
}

TEST_CASE("resolver: alternatives", "[debian][resolver]") {
  const std::string sources = stanza("app", "1", "Depends: exim4 | postfix | sendmail\n") + stanza("exim4", "4") +
                              stanza("postfix", "3") + stanza("sendmail", "8");
  SECTION("the first that exists") { CHECK(plan_of(universe_of(sources), {"app"}) == Labels{"exim4 4", "app 1"}); }
  SECTION("one already installed is preferred") {
    const auto universe = universe_of(sources, stanza("postfix", "3"));
    CHECK(plan_of(universe, {"app"}) == Labels{"app 1"});
  }
  SECTION("one already in the plan is preferred") {
    CHECK(plan_of(universe_of(sources), {"sendmail", "app"}) == Labels{"sendmail 8", "app 1"});
  }
  SECTION("one that is missing is skipped") {
    const auto universe = universe_of(stanza("app", "1", "Depends: missing | postfix\n") + stanza("postfix", "3"));
    CHECK(plan_of(universe, {"app"}) == Labels{"postfix 3", "app 1"});
  }
  SECTION("one whose version does not fit is skipped") {
    const auto universe = universe_of(stanza("app", "1", "Depends: exim4 (>= 5) | postfix\n") + stanza("exim4", "4") +
                                      stanza("postfix", "3"));
    CHECK(plan_of(universe, {"app"}) == Labels{"postfix 3", "app 1"});
  }
  SECTION("one whose own dependencies fail is undone, and the next one tried") {
    const auto universe = universe_of(stanza("app", "1", "Depends: exim4 | postfix\n") +
                                      stanza("exim4", "4", "Depends: exim4-base, libgone\n") +
                                      stanza("exim4-base", "4") + stanza("postfix", "3"));
    CHECK(plan_of(universe, {"app"}) == Labels{"postfix 3", "app 1"});
  }
  SECTION("none can be met") {
    const auto universe = universe_of(stanza("app", "1", "Depends: nope | nada (>= 2)\n") + stanza("nada", "1"));
    CHECK(error_of(universe, {"app"}) ==
          "cannot install app: it depends on nope | nada (>= 2), but nope: neither the base nor the sources have "
          "nope; nada: the sources have 1");
  }
}

TEST_CASE("resolver: virtual packages through Provides", "[debian][resolver]") {
  const std::string sources = stanza("app", "1", "Depends: awk\n") + stanza("mawk", "1.3", "Provides: awk\n") +
                              stanza("gawk", "5", "Provides: awk\n");
  SECTION("among equals, the provider apt's cache met last (the higher package number)") {
    CHECK(plan_of(universe_of(sources), {"app"}) == Labels{"gawk 5", "app 1"});
  }
  SECTION("an installed provider") {
    CHECK(plan_of(universe_of(sources, stanza("gawk", "5", "Provides: awk\n")), {"app"}) == Labels{"app 1"});
  }
  SECTION("a provider in the plan") {
    CHECK(plan_of(universe_of(sources), {"gawk", "app"}) == Labels{"gawk 5", "app 1"});
  }
  SECTION("asking for a virtual package with one provider installs it") {
    const auto universe = universe_of(stanza("mawk", "1.3", "Provides: awk\n"));
    const auto plan = resolve_install(universe, {"awk"});
    CHECK(labels(plan) == Labels{"mawk 1.3"});
    CHECK(plan.notes == Labels{"selecting mawk 1.3 for the virtual package awk"});
  }
  SECTION("asking for a version of a virtual package only the base provides is an error") {
    const auto universe = universe_of(stanza("other", "1"), stanza("gawk", "5", "Provides: awk\n"));
    CHECK(resolve_install(universe, {"awk"}).notes ==
          Labels{"awk is provided by gawk 5, already installed in the base"});
    CHECK(error_of(universe, {"awk=2"}) == "no package provides \"awk\" in the version asked for (2)");
  }
  SECTION("asking for a virtual package with several providers is an error") {
    CHECK(error_of(universe_of(sources), {"awk"}) == "\"awk\" is a virtual package provided by mawk, gawk");
    // Even when one of them is installed, as apt-get says.
    CHECK(error_of(universe_of(sources, stanza("gawk", "5", "Provides: awk\n")), {"awk"}) ==
          "\"awk\" is a virtual package provided by mawk, gawk");
  }
  SECTION("a requested provider is marked before any dependency is met") {
    // (The plan lists mawk first: app depends on it.)
    CHECK(plan_of(universe_of(sources), {"app", "mawk"}) == Labels{"mawk 1.3", "app 1"});
  }
}

TEST_CASE("resolver: a virtual package before the real one picks the candidate", "[debian][resolver]") {
  // libapache2-mod-php8.2: "Depends: apache2-api-20120211, apache2-bin (>= 2.4.16)", where
  // the main archive and the security archive each have an apache2-bin that provides it.
  const Source main{stanza("apache2-bin", "2.4.62-1~deb12u2", "Provides: apache2-api-20120211, httpd-cgi\n") +
                    stanza("libapache2-mod-php8.2", "8.2.28-1~deb12u1",
                           "Depends: apache2-api-20120211, apache2-bin (>= 2.4.16)\n")};
  const Source security{stanza("apache2-bin", "2.4.65-1~deb12u1", "Provides: apache2-api-20120211, httpd-cgi\n")};
  const auto universe = universe_of({main, security});
  CHECK(plan_of(universe, {"libapache2-mod-php8.2"}) ==
        Labels{"apache2-bin 2.4.65-1~deb12u1", "libapache2-mod-php8.2 8.2.28-1~deb12u1"});

  SECTION("asking for it selects its one provider, in the candidate version, without ambiguity") {
    const auto plan = resolve_install(universe, {"apache2-api-20120211"});
    CHECK(labels(plan) == Labels{"apache2-bin 2.4.65-1~deb12u1"});
    CHECK(plan.notes == Labels{"selecting apache2-bin 2.4.65-1~deb12u1 for the virtual package apache2-api-20120211"});
  }
  SECTION("two providers, one of them in two versions, are named once each") {
    const auto more = universe_of(
        {main, security, {stanza("apache2-bin-other", "1", "Provides: apache2-api-20120211\n")}});
    CHECK(error_of(more, {"apache2-api-20120211"}) ==
          "\"apache2-api-20120211\" is a virtual package provided by apache2-bin, apache2-bin-other");
  }
  SECTION("a provider whose candidate no longer provides it does not count") {
    const auto dropped = universe_of(
        {main, {stanza("apache2-bin", "2.4.66-1", "Provides: httpd-cgi\n") + stanza("other-bin", "1", "Provides: apache2-api-20120211\n")}});
    CHECK(plan_of(dropped, {"apache2-api-20120211"}) == Labels{"other-bin 1"});
  }
}

TEST_CASE("resolver: apt's order among providers", "[debian][resolver]") {
  const auto plan_with = [](const std::string& providers, const std::string& installed = "") {
    return plan_of(universe_of(stanza("app", "1", "Depends: mta\n") + providers, installed), {"app"});
  };
  SECTION("an installed one that must be upgraded, before a new one") {
    CHECK(plan_with(stanza("new-mta", "1", "Provides: mta\n") + stanza("old-mta", "2", "Provides: mta\n"),
                    stanza("old-mta", "1")) == Labels{"old-mta 2", "app 1"});
  }
  SECTION("the package of that name over its providers") {
    CHECK(plan_with(stanza("mta", "1") + stanza("other", "1", "Provides: mta\n")) == Labels{"mta 1", "app 1"});
  }
  SECTION("Essential, then Important, then the lower Priority") {
    CHECK(plan_with(stanza("a-mta", "1", "Provides: mta\nEssential: yes\n") + stanza("b-mta", "1", "Provides: mta\n")) ==
          Labels{"a-mta 1", "app 1"});
    CHECK(plan_with(stanza("a-mta", "1", "Provides: mta\nProtected: yes\n") + stanza("b-mta", "1", "Provides: mta\n")) ==
          Labels{"a-mta 1", "app 1"});
    CHECK(plan_with(stanza("a-mta", "1", "Provides: mta\nPriority: standard\n") +
                    stanza("b-mta", "1", "Provides: mta\nPriority: optional\n")) == Labels{"a-mta 1", "app 1"});
  }
  SECTION("the last met, counting names mentioned in any relation, Recommends included") {
    // b-mta is named (by a Recommends) before a-mta's stanza: a-mta is met last.
    CHECK(plan_with(stanza("early", "1", "Recommends: b-mta\n") + stanza("a-mta", "1", "Provides: mta\n") +
                    stanza("b-mta", "1", "Provides: mta\n")) == Labels{"a-mta 1", "app 1"});
  }
  SECTION("alternatives: upgrades of installed packages first, across the alternatives") {
    const auto universe = universe_of(stanza("app", "1", "Depends: exim4 | postfix (>= 3)\n") + stanza("exim4", "4") +
                                          stanza("postfix", "3"),
                                      stanza("postfix", "2"));
    CHECK(plan_of(universe, {"app"}) == Labels{"postfix 3", "app 1"});
  }
}


TEST_CASE("resolver: versioned Provides meet versioned relations", "[debian][resolver]") {
  const std::string sources = stanza("old-impl", "1", "Provides: api (= 1)\n") +
                              stanza("new-impl", "2", "Provides: api (= 2)\n") +
                              stanza("plain", "1", "Provides: api\n");
  CHECK(plan_of(universe_of(sources + stanza("app", "1", "Depends: api (>= 2)\n")), {"app"}) ==
        Labels{"new-impl 2", "app 1"});
  CHECK(plan_of(universe_of(sources + stanza("app", "1", "Depends: api\n")), {"app"}) == Labels{"plain 1", "app 1"});
  // An unversioned Provides never meets a versioned relation.
  const auto universe =
      universe_of(stanza("plain", "1", "Provides: api\n") + stanza("app", "1", "Depends: api (>= 1)\n"));
  CHECK(error_of(universe, {"app"}) ==
        "cannot install app: it depends on api (>= 1), but no version of api fits, and only plain 1 provide it");
}

TEST_CASE("resolver: installed packages meet relations their version fits", "[debian][resolver]") {
  const std::string base = stanza("libc6", "2.36-9+deb12u4", "Depends: libgcc-s1\n") +
                           stanza("libgcc-s1", "12.2.0-14", "Depends: libc6 (>= 2.35)\n") +
                           stanza("dpkg", "1.21.22", "Essential: yes\n");
  const auto universe = universe_of(base + stanza("app", "1", "Depends: libc6 (>= 2.34), dpkg\n"), base);
  CHECK(plan_of(universe, {"app"}) == Labels{"app 1"});
  SECTION("a requested package the base has at the candidate version is not installed again") {
    const auto plan = resolve_install(universe, {"libc6", "dpkg"});
    CHECK(plan.packages.empty());
    CHECK(plan.notes == Labels{"libc6 2.36-9+deb12u4 is already installed in the base",
                               "dpkg 1.21.22 is already installed in the base"});
  }
}

TEST_CASE("resolver: requests the base already meets", "[debian][resolver]") {
  const auto universe =
      universe_of(stanza("jq", "1.6") + stanza("jq", "1.5"), stanza("jq", "1.6") + stanza("local-only", "7"));
  CHECK(resolve_install(universe, {"jq=1.6"}).packages.empty());
  CHECK(resolve_install(universe, {"local-only"}).notes == Labels{"local-only 7 is already installed in the base"});
  const auto downgrade = resolve_install(universe, {"jq=1.5"});
  CHECK(labels(downgrade) == Labels{"jq 1.5"});
  CHECK(downgrade.notes == Labels{"jq 1.5 replaces the base's 1.6 (downgrade)"});
}

TEST_CASE("resolver: architecture qualifiers match by name", "[debian][resolver]") {
  const auto universe = universe_of(stanza("python3", "3.11.2-1+b1", "Multi-Arch: allowed\n") +
                                    stanza("tool", "1", "Depends: python3:any (>= 3.11)\n"));
  CHECK(plan_of(universe, {"tool"}) == Labels{"python3 3.11.2-1+b1", "tool 1"});
}

TEST_CASE("resolver: an installed package too old is upgraded", "[debian][resolver]") {
  const auto universe = universe_of(
      stanza("libfoo1", "1.0") + stanza("libfoo1", "2.0") + stanza("app", "1", "Depends: libfoo1 (>= 2.0)\n"),
      stanza("libfoo1", "1.0"));
  const auto plan = resolve_install(universe, {"app"});
  CHECK(labels(plan) == Labels{"libfoo1 2.0", "app 1"});
  CHECK(plan.notes == Labels{"libfoo1 2.0 replaces the base's 1.0 (upgrade)"});
  SECTION("asking for an installed package brings it to the candidate") {
    CHECK(plan_of(universe, {"libfoo1"}) == Labels{"libfoo1 2.0"});
  }
}

TEST_CASE("resolver: installed packages an upgrade breaks are upgraded too", "[debian][resolver]") {
  const std::string base = stanza("libfoo1", "1.0") + stanza("libfoo-dev", "1.0", "Depends: libfoo1 (= 1.0)\n");
  const std::string app = stanza("app", "1", "Depends: libfoo1 (>= 2.0)\n");
  SECTION("when a newer version exists") {
    const auto universe = universe_of(
        base + app + stanza("libfoo1", "2.0") + stanza("libfoo-dev", "2.0", "Depends: libfoo1 (= 2.0)\n"), base);
    CHECK(plan_of(universe, {"app"}) == Labels{"libfoo1 2.0", "app 1", "libfoo-dev 2.0"});
  }
  SECTION("and when none does, the error says why") {
    const auto universe = universe_of(base + app + stanza("libfoo1", "2.0"), base);
    CHECK(error_of(universe, {"app"}) ==
          "cannot install app: it depends on libfoo1 (>= 2.0), but the base has libfoo1 1.0 and the sources have "
          "2.0, 1.0; also required: libfoo1 (= 1.0) by libfoo-dev 1.0 (installed in the base)");
  }
}

TEST_CASE("resolver: installed binaries of an upgraded source are upgraded together", "[debian][resolver]") {
  const std::string base = stanza("libpq5", "15.18", "Source: postgresql-15\n") +
                           stanza("pg-client", "15.18", "Source: postgresql-15\nDepends: libpq5\n") +
                           stanza("pg-other", "1.0", "Source: other\n");
  const auto universe =
      universe_of(base + stanza("libpq5", "15.20", "Source: postgresql-15\n") +
                      stanza("pg-client", "15.20", "Source: postgresql-15\nDepends: libpq5\n") +
                      stanza("pg-other", "2.0", "Source: other\n") + stanza("app", "1", "Depends: libpq5 (>= 15.20)\n"),
                  base);
  CHECK(plan_of(universe, {"app"}) == Labels{"libpq5 15.20", "app 1", "pg-client 15.20"});
}

TEST_CASE("resolver: unknown packages", "[debian][resolver]") {
  const auto universe = universe_of(stanza("jq", "1.6"));
  const auto error = error_from(universe, {"jq", "no-such-thing"});
  CHECK(std::string(error.what()) == "no package \"no-such-thing\" in the apt sources");
  CHECK_THAT(error.hint(), Catch::Contains("--apt-source"));
}

TEST_CASE("resolver: unsatisfiable relations name the package and the relation", "[debian][resolver]") {
  const std::string libc = stanza("libc6", "2.36-9+deb12u4");
  SECTION("a relation of the requested package") {
    const auto universe = universe_of(libc + stanza("v2d-needs-new-libc", "1.0", "Depends: libc6 (>= 99)\n"), libc);
    const auto error = error_from(universe, {"v2d-needs-new-libc"});
    CHECK(std::string(error.what()) ==
          "cannot install v2d-needs-new-libc: it depends on libc6 (>= 99), but the base has libc6 2.36-9+deb12u4 "
          "and the sources have 2.36-9+deb12u4");
    CHECK_FALSE(error.hint().empty());
  }
  SECTION("deeper in a chain, the package that has the relation") {
    const auto universe = universe_of(libc + stanza("top", "1", "Depends: middle\n") +
                                      stanza("middle", "2", "Pre-Depends: libc6 (>= 99)\n"));
    CHECK(error_of(universe, {"top"}) ==
          "cannot install middle: it depends on libc6 (>= 99), but the sources have 2.36-9+deb12u4");
  }
  SECTION("a package nobody has") {
    const auto universe = universe_of(stanza("app", "1", "Depends: ghost\n"));
    CHECK(error_of(universe, {"app"}) ==
          "cannot install app: it depends on ghost, but neither the base nor the sources have ghost");
  }
  SECTION("two relations on one name that nothing fits") {
    const auto universe =
        universe_of(stanza("lib", "1") + stanza("lib", "2") + stanza("a", "1", "Depends: lib (>= 2)\n") +
                    stanza("b", "1", "Depends: lib (<< 2)\n"));
    CHECK(error_of(universe, {"a", "b"}) ==
          "cannot install b: it depends on lib (<< 2), but the sources have 2, 1 (apt installs the candidate, 2, unless "
          "asked for another with --apt lib=VERSION); also required: lib (>= 2) by a");
  }
}

TEST_CASE("resolver: conflicts and breaks", "[debian][resolver]") {
  const std::string jq = stanza("jq", "1.6-2.1+deb12u3");
  SECTION("with an installed package") {
    const auto universe = universe_of(jq + stanza("v2d-conflicts-jq", "1.0", "Conflicts: jq\n"), jq);
    const auto error = error_from(universe, {"v2d-conflicts-jq"});
    CHECK(std::string(error.what()) == "v2d-conflicts-jq 1.0 conflicts with jq 1.6-2.1+deb12u3");
    CHECK_THAT(error.hint(), Catch::Contains("installed in the base"));
  }
  SECTION("of an installed package with a new one") {
    const auto universe =
        universe_of(jq + stanza("newcomer", "1"), stanza("jq", "1.6-2.1+deb12u3", "Conflicts: newcomer\n"));
    CHECK(error_of(universe, {"newcomer"}) == "jq 1.6-2.1+deb12u3 conflicts with newcomer 1");
  }
  SECTION("within the plan") {
    const auto universe =
        universe_of(jq + stanza("a", "1", "Depends: b\n") + stanza("b", "2", "Conflicts: jq (<< 2)\n"));
    CHECK(error_of(universe, {"jq", "a"}) == "b 2 conflicts with jq 1.6-2.1+deb12u3");
  }
  SECTION("through a virtual package") {
    const auto universe = universe_of(stanza("mta-a", "1", "Provides: mta\nConflicts: mta\n") +
                                      stanza("mta-b", "1", "Provides: mta\nConflicts: mta\n"));
    // A package may conflict with what it provides itself.
    CHECK(plan_of(universe, {"mta-a"}) == Labels{"mta-a 1"});
    CHECK(error_of(universe, {"mta-a", "mta-b"}) == "mta-a 1 conflicts with mta-b 1");
  }
  SECTION("Breaks, versioned") {
    const auto universe =
        universe_of(stanza("tool", "2", "Breaks: plugin (<< 2)\n") + stanza("plugin", "1") + stanza("plugin", "2"),
                    stanza("plugin", "1"));
    // As apt does: the installed plugin goes to its candidate, which tool does not break.
    CHECK(plan_of(universe, {"tool"}) == Labels{"tool 2", "plugin 2"});
    CHECK(plan_of(universe, {"tool", "plugin"}) == Labels{"tool 2", "plugin 2"});
    const auto stuck =
        universe_of(stanza("tool", "2", "Breaks: plugin (<< 3)\n") + stanza("plugin", "1") + stanza("plugin", "2"),
                    stanza("plugin", "1"));
    CHECK(error_of(stuck, {"tool"}) == "tool 2 breaks plugin 1");
  }
  SECTION("an alternative that would clash gives way to the next") {
    const auto universe = universe_of(jq + stanza("app", "1", "Depends: jq-fork | jaq\n") +
                                          stanza("jq-fork", "1", "Conflicts: jq\n") + stanza("jaq", "2"),
                                      jq);
    CHECK(plan_of(universe, {"app"}) == Labels{"jaq 2", "app 1"});
    const auto breaking = universe_of(jq + stanza("app", "1", "Depends: fork | jaq\n") +
                                          stanza("fork", "1", "Breaks: jq (<< 9)\n") + stanza("jaq", "2"),
                                      jq);
    CHECK(plan_of(breaking, {"app"}) == Labels{"jaq 2", "app 1"});
    const auto providers =
        universe_of(stanza("app", "1", "Depends: mta\n") + stanza("bad-mta", "1", "Provides: mta\nConflicts: jq\n") +
                        stanza("good-mta", "1", "Provides: mta\n") + jq,
                    jq);
    CHECK(plan_of(providers, {"app"}) == Labels{"good-mta 1", "app 1"});
  }
  SECTION("a version the relation does not name is fine") {
    const auto universe = universe_of(jq + stanza("c", "1", "Conflicts: jq (<< 1.0)\n"), jq);
    CHECK(plan_of(universe, {"c"}) == Labels{"c 1"});
  }
}

TEST_CASE("resolver: dependency cycles", "[debian][resolver]") {
  const auto universe = universe_of(stanza("libc6", "2.36", "Depends: libgcc-s1\n") +
                                    stanza("libgcc-s1", "12", "Depends: libc6 (>= 2.35)\n") +
                                    stanza("app", "1", "Depends: libc6, libgcc-s1\n") +
                                    stanza("x", "1", "Pre-Depends: y\n") + stanza("y", "1", "Depends: x\n"));
  CHECK(plan_of(universe, {"app"}) == Labels{"libgcc-s1 12", "libc6 2.36", "app 1"});
  CHECK(plan_of(universe, {"x"}) == Labels{"y 1", "x 1"});
}

TEST_CASE("package universe: the first source wins for one name and version", "[debian][resolver]") {
  PackageUniverse universe;
  for (const char* origin : {"security", "main"}) {
    for (auto& package : parse_packages_index(stanza("jq", "1.6") + stanza("jq", "1.5"), "amd64", origin)) {
      universe.add_available(std::move(package));
    }
  }
  const auto candidates = universe.candidates("jq");
  REQUIRE(candidates.size() == 2);
  CHECK(candidates[0]->version == "1.6");
  CHECK(candidates[0]->origin == "security");
  CHECK(candidates[1]->origin == "security");
  CHECK(universe.candidates("nothing").empty());
  CHECK(universe.providers("nothing").empty());
  CHECK_FALSE(universe.knows("nothing"));
}

TEST_CASE("resolver: an index the size of Debian main resolves quickly", "[debian][resolver]") {
  // 63,000 packages: long dependency chains, a shared virtual package and
  // alternatives, so that a quadratic scan anywhere would show.
  std::string index;
  constexpr int k_packages = 63000;
  for (int i = 0; i < k_packages; ++i) {
    std::string fields = "Provides: shared-virtual\n";
    if (i % 100 != 99)
      fields +=
          "Depends: missing-" + std::to_string(i) + " | pkg" + std::to_string(i + 1) + " (>= 1), shared-virtual\n";
    index += stanza("pkg" + std::to_string(i), "1.0", fields);
  }
  const auto start = std::chrono::steady_clock::now();
  const auto universe = universe_of(index);
  std::vector<std::string> requested;
  for (int i = 0; i < k_packages; i += 1000) requested.push_back("pkg" + std::to_string(i));
  const auto plan = resolve_install(universe, requested);
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(plan.packages.size() == 63 * 100);
  CHECK(seconds < 20);
}

TEST_CASE("resolver: this host's dpkg status as the base and as the sources", "[debian][resolver]") {
  // Real relations, virtual packages and cycles: asking for everything the
  // base has plans nothing and finds no conflict.
  const auto status = test::read_host_dpkg_status();
  REQUIRE_FALSE(status.arch.empty());
  PackageUniverse universe;
  std::vector<std::string> everything;
  for (auto& package : parse_dpkg_status(status.text, status.arch, "/var/lib/dpkg/status")) {
    everything.push_back(package.name);
    universe.add_available(package);
    universe.add_installed(std::move(package));
  }
  const auto plan = resolve_install(universe, everything);
  CHECK(plan.packages.empty());
  CHECK(plan.notes.size() == everything.size());
}

TEST_CASE("resolver: this host's packages as sources for an empty base", "[debian][resolver]") {
  // Installing dpkg and apt into nothing pulls in their whole closure, libc6
  // and its cycle included, each package after what it depends on.
  const auto status = test::read_host_dpkg_status();
  PackageUniverse universe;
  for (auto& package : parse_dpkg_status(status.text, status.arch, "/var/lib/dpkg/status")) {
    universe.add_available(std::move(package));
  }
  const auto plan = resolve_install(universe, {"dpkg", "apt"});
  std::vector<std::string> names;
  for (const auto* package : plan.packages) names.push_back(package->name);
  const auto position = [&](const std::string& name) {
    return std::find(names.begin(), names.end(), name) - names.begin();
  };
  CHECK(position("libc6") < position("dpkg"));
  CHECK(position("dpkg") < static_cast<long>(names.size()));
  CHECK(position("apt") < static_cast<long>(names.size()));
  CHECK(position("libapt-pkg6.0") < position("apt"));
  CHECK(std::set<std::string>(names.begin(), names.end()).size() == names.size());
}

namespace {

// The standard output of a host command, or "" when it cannot run.
std::string output_of(const std::string& command) {
  std::string out;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[65536];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
    ::pclose(pipe);
  }
  return out;
}

}  // namespace

TEST_CASE("resolver: agrees with apt-get on this host's real Debian indexes", "[debian][resolver]") {
  // apt's own lists (bookworm, -updates, -security: some 63,000 packages) and
  // this host's dpkg status are the inputs apt-get uses; its simulation (-s)
  // is the reference for what --apt must plan.
  namespace fs = std::filesystem;
  const fs::path lists = "/var/lib/apt/lists";
  std::vector<fs::path> indexes;
  if (fs::is_directory(lists)) {
    for (const auto& entry : fs::directory_iterator(lists)) {
      if (entry.path().filename().string().find("_Packages") != std::string::npos) indexes.push_back(entry.path());
    }
  }
  if (indexes.empty() || !fs::exists("/usr/lib/apt/apt-helper")) {
    WARN("no apt lists on this host (run apt-get update): comparison with apt-get skipped");
    return;
  }
  std::sort(indexes.begin(), indexes.end());
  const auto status = test::read_host_dpkg_status();
  PackageUniverse universe;
  for (const auto& index : indexes) {
    // apt-helper cat-file undoes whatever compression apt stored the list in.
    const auto text = output_of("/usr/lib/apt/apt-helper cat-file '" + index.string() + "'");
    for (auto& package : parse_packages_index(text, status.arch, index.string())) {
      universe.add_available(std::move(package));
    }
  }
  for (auto& package : parse_dpkg_status(status.text, status.arch, "/var/lib/dpkg/status")) {
    universe.add_installed(std::move(package));
  }
  const std::vector<std::vector<std::string>> requests = {
      {"imagemagick", "libxml2-dev", "libopenblas0", "jq", "curl", "postgresql-client-15", "git"},
      {"libreoffice-core", "mariadb-server"},
      {"ruby-full", "php-cli", "exim4", "openssh-server", "default-jdk-headless", "nginx", "r-base-core"}};
  for (const auto& requested : requests) {
    std::string command = "apt-get install -s -q --no-install-recommends -o Debug::NoLocking=1";
    for (const auto& name : requested) command += " " + name;
    INFO(command);
    // "Inst NAME [OLD] (NEW Origin [arch])": the packages apt would unpack.
    std::set<std::string> by_apt;
    std::istringstream simulation(output_of(command + " 2>/dev/null"));
    for (std::string line; std::getline(simulation, line);) {
      if (!line.starts_with("Inst ")) continue;
      std::istringstream words(line.substr(5));
      std::string name, word;
      words >> name;
      while (words >> word && !word.starts_with("(")) {
      }
      by_apt.insert(name + " " + word.substr(1));
    }
    const auto ours = labels(resolve_install(universe, requested));
    CHECK(std::set<std::string>(ours.begin(), ours.end()) == by_apt);
  }
}
