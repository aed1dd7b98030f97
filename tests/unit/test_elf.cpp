#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>

#include "compat/elf.h"
#include "compat/glibc_version.h"
#include "compat/library_search.h"
#include "crafted_elf.h"
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
  auto python = read_elf("/usr/bin/python3.11").info;
  REQUIRE(python);
  CHECK(python->is_64bit);
  CHECK(python->machine == 62);
  CHECK(python->interpreter == "/lib64/ld-linux-x86-64.so.2");
  CHECK(contains(python->needed, "libc.so.6"));
  CHECK(elf_machine_oci_architecture(python->machine) == "amd64");

  auto libc = read_elf("/lib/x86_64-linux-gnu/libc.so.6").info;
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
  CHECK_FALSE(read_elf(dir / "text").info);
  CHECK_FALSE(read_elf(dir / "text").problem);
  CHECK_FALSE(is_elf_file(dir / "text"));
  // The first 64 bytes of a real ELF file claim program headers that are not there.
  std::ifstream real("/usr/bin/python3.11", std::ios::binary);
  std::string head(64, '\0');
  real.read(head.data(), 64);
  std::ofstream(dir / "cut", std::ios::binary) << head;
  CHECK(is_elf_file(dir / "cut"));
  const ElfReading cut = read_elf(dir / "cut");
  CHECK_FALSE(cut.info);
  REQUIRE(cut.problem);
  CHECK_THAT(*cut.problem, Catch::Contains((dir / "cut").string()) && Catch::Contains("malformed"));
  // Every shorter prefix, too, is read without a fault (ASan and UBSan builds check the bounds).
  for (std::size_t size = 0; size < head.size(); ++size) {
    const ElfReading prefix = parse_elf(reinterpret_cast<const unsigned char*>(head.data()), size, "prefix");
    CHECK_FALSE(prefix.info);
    CHECK(prefix.problem.has_value() == (size >= 4));
  }
}

TEST_CASE("ELF reader: a version-needs bomb is refused quickly, with the file named") {
  // 64 KiB whose 1792 version needs each claim 65535 versions and all share
  // one chain of 1792 entries: followed as the counts say, that is over 100
  // million name pairs (a --check once had no answer after a minute).
  const std::vector<unsigned char> bomb = test::version_needs_bomb();
  const auto started = std::chrono::steady_clock::now();
  const ElfReading reading = parse_elf(bomb.data(), bomb.size(), "libbomb.so");
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
  CHECK_FALSE(reading.info);
  REQUIRE(reading.problem);
  CHECK_THAT(*reading.problem, Catch::Contains("libbomb.so") && Catch::Contains("needed versions"));

  // The same needs, each with one version: within bounds, read as glibc's
  // loader reads them (a zero vna_next ends a list whatever vn_cnt says).
  const std::vector<unsigned char> looping = test::version_needs_bomb(test::VernauxChain::one_each);
  const ElfReading lenient = parse_elf(looping.data(), looping.size(), "libloop.so");
  REQUIRE(lenient.info);
  CHECK(lenient.info->version_needs.size() == 1792);
  CHECK(lenient.info->version_needs.front() == std::pair<std::string, std::string>("libc.so.6", "GLIBC_2.2.5"));
}

TEST_CASE("ELF reader: counts and offsets past the file are problems, not reads") {
  std::vector<unsigned char> elf = test::version_needs_bomb(test::VernauxChain::one_each);
  auto problem_of = [](const std::vector<unsigned char>& bytes) {
    return parse_elf(bytes.data(), bytes.size(), "libx.so").problem.value_or("");
  };
  auto put16 = [](std::vector<unsigned char>& bytes, std::size_t at, unsigned value) {
    bytes[at] = value & 0xff;
    bytes[at + 1] = (value >> 8) & 0xff;
  };
  std::vector<unsigned char> headers = elf;
  put16(headers, 56, 0xffff);  // e_phnum
  CHECK_THAT(problem_of(headers), Catch::Contains("program headers"));
  std::vector<unsigned char> small_headers = elf;
  put16(small_headers, 54, 1);  // e_phentsize
  CHECK_THAT(problem_of(small_headers), Catch::Contains("program headers"));
  // Cut inside the version needs.
  CHECK_THAT(problem_of(std::vector<unsigned char>(elf.begin(), elf.begin() + 0x4000)),
             Catch::Contains("libx.so") && Catch::Contains("malformed") && Catch::Contains("version needs"));
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
