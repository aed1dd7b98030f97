#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "debian/package.h"
#include "debian/version.h"
#include "host_dpkg_status.h"
#include "util/error.h"

using namespace venv2docker;
using namespace venv2docker::debian;

namespace {

const Package* find(const std::vector<Package>& packages, std::string_view name) {
  const auto found = std::find_if(packages.begin(), packages.end(), [&](const Package& p) { return p.name == name; });
  return found == packages.end() ? nullptr : &*found;
}

const char* const k_index =
    "Package: libfoo1\n"
    "Version: 1:2.0-1+deb12u1\n"
    "Architecture: amd64\n"
    "Multi-Arch: same\n"
    "Pre-Depends: libc6 (>= 2.34)\n"
    "Depends: libbar | libbaz (>= 3), zlib1g [!amd64]\n"
    "Conflicts: libfoo0\n"
    "Breaks: foo-tools (<< 2)\n"
    "Provides: libfoo (= 2.0), foo-api\n"
    "Replaces: libfoo0 (<< 2)\n"
    "Installed-Size: 120\n"
    "Filename: pool/main/f/foo/libfoo1_2.0-1+deb12u1_amd64.deb\n"
    "Size: 40960\n"
    "SHA256: ABCDEF0123\n"
    "\n"
    "Package: foo-doc\n"
    "Version: 2.0-1+b1\n"
    "Source: foo (2.0-1)\n"
    "Architecture: all\n"
    "Essential: yes\n"
    "\n"
    "Package: libfoo1\n"
    "Version: 2.0-1\n"
    "Architecture: i386\n";

}  // namespace

TEST_CASE("packages: every field the resolver and fetcher use", "[debian][package]") {
  const auto packages = parse_packages_index(k_index, "amd64", "main/binary-amd64/Packages");
  REQUIRE(packages.size() == 2);
  const auto& foo = packages[0];
  CHECK(foo.name == "libfoo1");
  CHECK(foo.version == "1:2.0-1+deb12u1");
  CHECK(foo.architecture == "amd64");
  CHECK(foo.multi_arch == "same");
  CHECK_FALSE(foo.essential);
  REQUIRE(foo.pre_depends.size() == 1);
  CHECK(foo.pre_depends[0][0].text() == "libc6 (>= 2.34)");
  REQUIRE(foo.depends.size() == 1);  // zlib1g is not for amd64
  CHECK(alternatives_text(foo.depends[0]) == "libbar | libbaz (>= 3)");
  CHECK(foo.conflicts[0][0].name == "libfoo0");
  CHECK(foo.breaks[0][0].text() == "foo-tools (<< 2)");
  REQUIRE(foo.provides.size() == 2);
  CHECK(foo.provides[0].text() == "libfoo (= 2.0)");
  CHECK(foo.provides[1].text() == "foo-api");
  CHECK(foo.replaces[0].text() == "libfoo0 (<< 2)");
  CHECK(foo.installed_size == 120);
  CHECK(foo.filename == "pool/main/f/foo/libfoo1_2.0-1+deb12u1_amd64.deb");
  CHECK(foo.size == 40960);
  CHECK(foo.sha256 == "abcdef0123");
  CHECK(foo.origin == "main/binary-amd64/Packages");
  CHECK(foo.label() == "libfoo1 1:2.0-1+deb12u1");
  CHECK(foo.source == "libfoo1");
  CHECK(foo.source_version == foo.version);
  CHECK(packages[1].name == "foo-doc");
  CHECK(packages[1].source == "foo");
  CHECK(packages[1].source_version == "2.0-1");
  CHECK(packages[1].essential);
}

TEST_CASE("packages: other architectures are left out", "[debian][package]") {
  const auto packages = parse_packages_index(k_index, "i386", "Packages");
  REQUIRE(packages.size() == 2);
  CHECK(packages[0].name == "foo-doc");
  CHECK(packages[1].version == "2.0-1");
}

TEST_CASE("packages: malformed entries name the index", "[debian][package]") {
  const char* const bad[] = {
      "Version: 1.0\nArchitecture: all\n",
      "Package: x\nArchitecture: all\n",
      "Package: x\nVersion: 1.0 beta\nArchitecture: all\n",
      "Package: x\nVersion: 1.0\nArchitecture: all\nSize: big\n",
      "Package: x\nVersion: 1.0\nArchitecture: all\nDepends: a (>= \n",
      "Package: x\nVersion: 1.0\nArchitecture: all\nProvides: a | b\n",
  };
  for (const char* text : bad) {
    INFO(text);
    CHECK_THROWS_WITH(parse_packages_index(text, "amd64", "http://deb.example/Packages"),
                      Catch::Contains("http://deb.example/Packages"));
  }
}

TEST_CASE("dpkg status: only installed packages", "[debian][package]") {
  const auto packages = parse_dpkg_status(
      "Package: jq\nStatus: install ok installed\nVersion: 1.6-2.1\nArchitecture: amd64\n\n"
      "Package: held\nStatus: hold ok installed\nVersion: 1.0\nArchitecture: all\n\n"
      "Package: gone\nStatus: deinstall ok config-files\nVersion: 1.0\nArchitecture: amd64\n\n"
      "Package: never\nStatus: purge ok not-installed\nArchitecture: amd64\n\n"
      "Package: half\nStatus: install reinstreq half-installed\nVersion: 1.0\nArchitecture: amd64\n\n"
      "Package: foreign\nStatus: install ok installed\nVersion: 1.0\nArchitecture: i386\n",
      "amd64", "/var/lib/dpkg/status");
  REQUIRE(packages.size() == 2);
  CHECK(packages[0].name == "jq");
  CHECK(packages[1].name == "held");
}

TEST_CASE("dpkg status: this host's real status file", "[debian][package]") {
  const auto status = test::read_host_dpkg_status();
  const std::string& host_arch = status.arch;
  REQUIRE_FALSE(host_arch.empty());
  const auto packages = parse_dpkg_status(status.text, host_arch, "/var/lib/dpkg/status");
  CHECK(packages.size() > 100);
  for (const char* name : {"dpkg", "libc6", "base-files", "coreutils"}) {
    INFO(name);
    const auto* package = find(packages, name);
    REQUIRE(package);
    CHECK(is_valid_version(package->version));
    CHECK_FALSE(package->architecture.empty());
  }
  CHECK(find(packages, "dpkg")->essential);
  CHECK(compare_versions(find(packages, "libc6")->version, "2.36") >= 0);
  // libc6 depends on libgcc-s1, which in turn depends on libc6: the classic cycle.
  const auto* libc = find(packages, "libc6");
  CHECK(std::any_of(libc->depends.begin(), libc->depends.end(),
                    [](const Alternatives& group) { return group[0].name == "libgcc-s1"; }));
  for (const auto& package : packages) {
    CHECK((package.architecture == host_arch || package.architecture == "all"));
  }
}
