#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>

#include "compat/elf.h"
#include "compat/glibc_version.h"
#include "compat/library_search.h"
#include "temp_dir.h"
#include "util/error.h"

using namespace venv2docker;
namespace fs = std::filesystem;

namespace {
bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}
}  // namespace

TEST_CASE("ELF reader: a real executable and a real C library") {
  // The machine's own python3.11 and libc, as built by Debian.
  auto python = read_elf("/usr/bin/python3.11");
  REQUIRE(python);
  CHECK(python->is_64bit);
  CHECK(python->machine == 62);
  CHECK(python->interpreter == "/lib64/ld-linux-x86-64.so.2");
  CHECK(contains(python->needed, "libc.so.6"));
  CHECK(elf_machine_oci_architecture(python->machine) == "amd64");

  auto libc = read_elf("/lib/x86_64-linux-gnu/libc.so.6");
  REQUIRE(libc);
  CHECK(libc->soname == "libc.so.6");
  CHECK(contains(libc->version_definitions, "GLIBC_2.2.5"));
  auto highest = highest_glibc_version(libc->version_definitions);
  REQUIRE(highest);
  CHECK(highest->major == 2);
  CHECK(highest->minor >= 36);

  std::vector<std::string> needed_versions;
  for (const auto& [library, version] : python->version_needs) needed_versions.push_back(version);
  CHECK(highest_glibc_version(needed_versions) <= highest);
}

TEST_CASE("ELF reader: not ELF, and truncated ELF") {
  test::TempDir dir;
  std::ofstream(dir / "text") << "#!/bin/sh\n";
  CHECK_FALSE(read_elf(dir / "text"));
  CHECK_FALSE(is_elf_file(dir / "text"));
  // The first 64 bytes of a real ELF file claim program headers that are not there.
  std::ifstream real("/usr/bin/python3.11", std::ios::binary);
  std::string head(64, '\0');
  real.read(head.data(), 64);
  std::ofstream(dir / "cut", std::ios::binary) << head;
  CHECK(is_elf_file(dir / "cut"));
  CHECK_THROWS_WITH(read_elf(dir / "cut"), Catch::Contains("cut") && Catch::Contains("malformed"));
}

TEST_CASE("glibc version names") {
  CHECK(parse_glibc_version("GLIBC_2.17")->text() == "2.17");
  CHECK(parse_glibc_version("GLIBC_2.2.5")->text() == "2.2.5");
  CHECK_FALSE(parse_glibc_version("GLIBC_PRIVATE"));
  CHECK_FALSE(parse_glibc_version("GCC_3.0"));
  CHECK_FALSE(parse_glibc_version("GLIBC_2.17x"));
  CHECK(*parse_glibc_version("GLIBC_2.9") < *parse_glibc_version("GLIBC_2.17"));
  CHECK(highest_glibc_version({"GLIBC_2.2.5", "GLIBC_2.34", "GLIBC_PRIVATE", "GLIBC_2.4"})->text() == "2.34");
}

TEST_CASE("library search follows the loader's order") {
  std::map<std::string, std::string> files = {
      {"/etc/ld.so.conf", "include /etc/ld.so.conf.d/*.conf\n# comment\n/opt/extra\n"},
      {"/etc/ld.so.conf.d/a.conf", "/opt/a/lib\n"},
  };
  auto read_text = [&](const std::string& path) -> std::optional<std::string> {
    auto found = files.find(path);
    return found == files.end() ? std::nullopt : std::optional<std::string>(found->second);
  };
  auto glob_files = [&](const std::string&) { return std::vector<std::string>{"/etc/ld.so.conf.d/a.conf"}; };
  std::vector<std::string> dirs = system_library_dirs(read_text, glob_files);
  REQUIRE(dirs.size() >= 4);
  CHECK(dirs[0] == "/opt/a/lib");
  CHECK(dirs[1] == "/opt/extra");
  CHECK(contains(dirs, "/usr/lib"));

  std::set<std::string> present = {"/app/lib/libown.so", "/opt/a/lib/libx.so.1", "/usr/lib/libx.so.1", "/usr/lib/libz.so.1",
                                   "/rpath/libz.so.1"};
  auto exists = [&](const std::string& path) { return present.contains(path); };
  ElfInfo with_runpath;
  with_runpath.runpath = {"$ORIGIN/../lib"};
  with_runpath.rpath = {"/rpath"};  // ignored when RUNPATH is present
  CHECK(find_library("libown.so", with_runpath, "/app/bin", dirs, exists) == "/app/lib/libown.so");
  CHECK(find_library("libz.so.1", with_runpath, "/app/bin", dirs, exists) == "/usr/lib/libz.so.1");
  ElfInfo with_rpath;
  with_rpath.rpath = {"/rpath"};
  CHECK(find_library("libz.so.1", with_rpath, "/x", dirs, exists) == "/rpath/libz.so.1");
  CHECK(find_library("libx.so.1", ElfInfo{}, "/x", dirs, exists) == "/opt/a/lib/libx.so.1");
  CHECK_FALSE(find_library("libmissing.so", ElfInfo{}, "/x", dirs, exists));
}
