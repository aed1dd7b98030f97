// A .deb built by dpkg-deb, read back by our unpacker, the dpkg database
// entries written for it, checked against what dpkg itself would keep, and
// the cache of resolved plans.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "cache_record_files.h"
#include "debian/deb_file.h"
#include "debian/dpkg_database.h"
#include "debian/install_plan_cache.h"
#include "store/blob_store.h"
#include "temp_dir.h"
#include "util/process.h"
#include "venv_fixture.h"

using namespace venv2docker;
using namespace venv2docker::debian;
namespace fs = std::filesystem;

namespace {

const LayerEntry* find_entry(const std::vector<LayerEntry>& entries, const std::string& path) {
  auto found = std::find_if(entries.begin(), entries.end(), [&](const LayerEntry& e) { return e.path == path; });
  return found == entries.end() ? nullptr : &*found;
}

// A package with a program, a link, a hard link, a conffile and a postinst.
fs::path build_test_deb(const fs::path& folder, const std::string& postinst = "#!/bin/sh\nset -e\nexit 0\n") {
  fs::path root = folder / "pkg";
  test::write_file(root / "DEBIAN/control",
                   "Package: v2d-hello\nVersion: 1.0-1\nArchitecture: all\nMaintainer: T <t@v2d.invalid>\n"
                   "Multi-Arch: foreign\nDescription: test package\n long line\n");
  test::write_file(root / "DEBIAN/conffiles", "/etc/v2d-hello.conf\n");
  test::write_file(root / "DEBIAN/postinst", postinst);
  fs::permissions(root / "DEBIAN/postinst", fs::perms(0755));
  test::write_file(root / "usr/bin/v2d-hello", "#!/bin/sh\necho hello\n");
  fs::permissions(root / "usr/bin/v2d-hello", fs::perms(0755));
  fs::create_hard_link(root / "usr/bin/v2d-hello", root / "usr/bin/v2d-hello-too");
  fs::create_symlink("v2d-hello", root / "usr/bin/v2d-hi");
  test::write_file(root / "etc/v2d-hello.conf", "greeting=hello\n");
  fs::path deb = folder / "v2d-hello_1.0-1_all.deb";
  ProcessResult built = run_process({"dpkg-deb", "--root-owner-group", "--build", root.string(), deb.string()},
                                     ChildEnvironment::bare);
  REQUIRE(built.exit_code == 0);
  return deb;
}

}  // namespace

TEST_CASE("a .deb unpacks into entries and control files, once, then from the cache") {
  test::TempDir dir;
  fs::path deb = build_test_deb(dir.path());
  BlobStore store(dir / "cache");
  Digest digest = store.import_file(deb, std::nullopt, std::nullopt, "test deb");
  UnpackedDeb unpacked = unpack_deb(digest, store, "v2d-hello_1.0-1_all.deb");

  const LayerEntry* program = find_entry(unpacked.entries, "/usr/bin/v2d-hello");
  REQUIRE(program);
  CHECK(program->kind == EntryKind::regular);
  CHECK(program->mode == 0755);
  CHECK(test::read_file(program->source) == "#!/bin/sh\necho hello\n");
  const LayerEntry* hard_link = find_entry(unpacked.entries, "/usr/bin/v2d-hello-too");
  REQUIRE(hard_link);
  CHECK(hard_link->source == program->source);
  const LayerEntry* link = find_entry(unpacked.entries, "/usr/bin/v2d-hi");
  REQUIRE(link);
  CHECK(link->kind == EntryKind::symlink);
  CHECK(link->link_target == "v2d-hello");
  REQUIRE(find_entry(unpacked.entries, "/usr/bin"));
  CHECK(find_entry(unpacked.entries, "/usr/bin")->kind == EntryKind::directory);
  CHECK(unpacked.control_files.at("conffiles") == "/etc/v2d-hello.conf\n");
  CHECK(unpacked.control_files.count("postinst"));
  CHECK(unpacked.control_files.at("control").find("Package: v2d-hello") != std::string::npos);

  // The second time comes from the saved list: same entries, same files.
  UnpackedDeb again = unpack_deb(digest, store, "v2d-hello_1.0-1_all.deb");
  REQUIRE(again.entries.size() == unpacked.entries.size());
  CHECK(find_entry(again.entries, "/usr/bin/v2d-hello")->source == program->source);
  CHECK(again.control_files == unpacked.control_files);

  // Without the .deb, only the record can answer; older or foreign, it is
  // refused and the package unpacked again.
  const std::vector<fs::path> records = test::cache_records_under(dir / "cache" / "apt" / "unpacked");
  REQUIRE(records.size() == 1);
  const std::string deb_bytes = test::read_bytes(store.path_of(digest));
  fs::remove(store.path_of(digest));
  CHECK(unpack_deb(digest, store, "v2d-hello_1.0-1_all.deb").entries.size() == unpacked.entries.size());
  test::make_record_older(records[0]);
  CHECK_THROWS_AS(unpack_deb(digest, store, "v2d-hello_1.0-1_all.deb"), Error);
  test::write_bytes(store.path_of(digest), deb_bytes);
  CHECK(unpack_deb(digest, store, "v2d-hello_1.0-1_all.deb").entries.size() == unpacked.entries.size());
  test::make_record_foreign(records[0]);
  fs::remove(store.path_of(digest));
  CHECK_THROWS_AS(unpack_deb(digest, store, "v2d-hello_1.0-1_all.deb"), Error);
}

TEST_CASE("a .deb whose maintainer script is Latin-1 unpacks, and reads back from the cache, byte for byte") {
  // As exim4-config's: a Latin-1 byte in a comment is no reason to fail.
  const std::string postinst = "#!/bin/sh\nset -e\n# Fran\xe7ois' r\xe9sum\xe9\nexit 0\n";
  test::TempDir dir;
  BlobStore store(dir / "cache");
  Digest digest = store.import_file(build_test_deb(dir.path(), postinst), std::nullopt, std::nullopt, "test deb");
  CHECK(unpack_deb(digest, store, "v2d-hello_1.0-1_all.deb").control_files.at("postinst") == postinst);
  const UnpackedDeb again = unpack_deb(digest, store, "v2d-hello_1.0-1_all.deb");
  CHECK(again.control_files.at("postinst") == postinst);
  // The dpkg database gets the script as the package shipped it.
  const auto entries = dpkg_database_entries("", {{parse_deb822(again.control_files.at("control"), "control").front(),
                                                   again.control_files, {"/usr/bin/v2d-hello"}}});
  const LayerEntry* script = find_entry(entries, "/var/lib/dpkg/info/v2d-hello.postinst");
  REQUIRE(script);
  CHECK(script->content == postinst);
}

TEST_CASE("a .deb's members named like whiteouts are left out with a warning, also when read from the cache") {
  test::TempDir dir;
  const fs::path root = dir / "pkg";
  test::write_file(root / "DEBIAN/control",
                   "Package: v2d-wh\nVersion: 1\nArchitecture: all\nMaintainer: T <t@v2d.invalid>\nDescription: t\n");
  test::write_file(root / "usr/bin/.wh.python3", "x");
  test::write_file(root / "usr/lib/python3/.wh..wh..opq", "");
  test::write_file(root / "usr/share/v2d/.wh.folder/inside", "");
  test::write_file(root / "usr/share/v2d/kept", "kept");
  // A hard link to a member left out still unpacks.
  fs::create_hard_link(root / "usr/bin/.wh.python3", root / "usr/bin/linked");
  const fs::path deb = dir / "v2d-wh_1_all.deb";
  REQUIRE(run_process({"dpkg-deb", "--root-owner-group", "--build", root.string(), deb.string()}, ChildEnvironment::bare)
              .exit_code == 0);
  BlobStore store(dir / "cache");
  const Digest digest = store.import_file(deb, std::nullopt, std::nullopt, "test deb");
  for (int time : {1, 2}) {
    INFO("unpacked " << (time == 1 ? "now" : "from the cache"));
    const UnpackedDeb unpacked = unpack_deb(digest, store, "v2d-wh_1_all.deb");
    for (const LayerEntry& entry : unpacked.entries) CHECK(entry.path.find(".wh.") == std::string::npos);
    REQUIRE(find_entry(unpacked.entries, "/usr/share/v2d/kept"));
    REQUIRE(find_entry(unpacked.entries, "/usr/bin/linked"));
    CHECK(test::read_file(find_entry(unpacked.entries, "/usr/bin/linked")->source) == "x");
    CHECK(test::read_file(find_entry(unpacked.entries, "/usr/share/v2d/kept")->source) == "kept");
    std::vector<std::string> named;
    for (const std::string& warning : unpacked.warnings) {
      CHECK(warning.starts_with("v2d-wh_1_all.deb holds "));
      CHECK(warning.find("whiteout") != std::string::npos);
      named.push_back(warning.substr(std::string("v2d-wh_1_all.deb holds ").size(), warning.find(',') - 23));
    }
    std::sort(named.begin(), named.end());
    CHECK(named == std::vector<std::string>{"/usr/bin/.wh.python3", "/usr/lib/python3/.wh..wh..opq",
                                            "/usr/share/v2d/.wh.folder", "/usr/share/v2d/.wh.folder/inside"});
  }
}

TEST_CASE("dpkg database: status merged and sorted, conffiles with their md5, info files per package") {
  Paragraph control;
  control.append({"Package", "v2d-hello"});
  control.append({"Version", "1.0-1"});
  control.append({"Architecture", "amd64"});
  control.append({"Multi-Arch", "same"});
  control.append({"Description", "test\n more"});
  InstalledPackage package{control,
                           {{"control", "..."},
                            {"conffiles", "/etc/v2d-hello.conf\n"},
                            {"md5sums", "d41d8cd98f00b204e9800998ecf8427e  etc/v2d-hello.conf\n"},
                            {"postinst", "#!/bin/sh\n"}},
                           {"/etc", "/etc/v2d-hello.conf"}};
  std::string base_status =
      "Package: zlib1g\nStatus: install ok installed\nVersion: 1\n\n"
      "Package: v2d-hello\nStatus: install ok installed\nArchitecture: amd64\nVersion: 0.9\n\n"
      "Package: apt\nStatus: install ok installed\nVersion: 2\n";
  std::vector<LayerEntry> entries = dpkg_database_entries(base_status, {package});
  const LayerEntry* status = find_entry(entries, "/var/lib/dpkg/status");
  REQUIRE(status);
  CHECK(*status->content ==
        "Package: apt\nStatus: install ok installed\nVersion: 2\n\n"
        "Package: v2d-hello\nStatus: install ok installed\nVersion: 1.0-1\nArchitecture: amd64\nMulti-Arch: same\n"
        "Description: test\n more\nConffiles:\n /etc/v2d-hello.conf d41d8cd98f00b204e9800998ecf8427e\n\n"
        "Package: zlib1g\nStatus: install ok installed\nVersion: 1\n\n");
  REQUIRE(find_entry(entries, "/var/lib/dpkg/info/v2d-hello:amd64.list"));
  CHECK(*find_entry(entries, "/var/lib/dpkg/info/v2d-hello:amd64.list")->content == "/.\n/etc\n/etc/v2d-hello.conf\n");
  REQUIRE(find_entry(entries, "/var/lib/dpkg/info/v2d-hello:amd64.postinst"));
  CHECK(find_entry(entries, "/var/lib/dpkg/info/v2d-hello:amd64.postinst")->mode == 0755);
  CHECK_FALSE(find_entry(entries, "/var/lib/dpkg/info/v2d-hello:amd64.control"));
}

TEST_CASE("alternatives: highest priority wins, links and record written, base-managed names skipped") {
  std::vector<Alternative> choices = {
      {"/usr/lib/libblas.so.3", "libblas.so.3", "/usr/lib/blas/libblas.so.3", 10, {}},
      {"/usr/lib/libblas.so.3", "libblas.so.3", "/usr/lib/openblas/libblas.so.3", 100, {}},
      {"/usr/bin/editor", "editor", "/usr/bin/vim", 50, {}},
  };
  std::vector<std::string> skipped;
  std::vector<LayerEntry> entries = alternatives_entries(choices, {"editor"}, skipped);
  CHECK(skipped == std::vector<std::string>{"editor"});
  REQUIRE(find_entry(entries, "/usr/lib/libblas.so.3"));
  CHECK(find_entry(entries, "/usr/lib/libblas.so.3")->link_target == "/etc/alternatives/libblas.so.3");
  CHECK(find_entry(entries, "/etc/alternatives/libblas.so.3")->link_target == "/usr/lib/openblas/libblas.so.3");
  CHECK(*find_entry(entries, "/var/lib/dpkg/alternatives/libblas.so.3")->content ==
        "auto\n/usr/lib/libblas.so.3\n\n/usr/lib/openblas/libblas.so.3\n100\n/usr/lib/blas/libblas.so.3\n10\n\n");
  CHECK_FALSE(find_entry(entries, "/usr/bin/editor"));
}

TEST_CASE("install plans: recorded and found by a key that changes with the Release, the base and the request") {
  test::TempDir dir;
  BlobStore store(dir / "cache");
  FileIndex empty;
  BaseAptConfig config(empty, "amd64");
  AptSource source;
  source.uri = "http://x.example/debian";
  source.suite = "bookworm";
  source.components = {"main"};
  ReleaseFile release;
  release.text_sha256 = std::string(64, 'a');
  std::vector<SourceRelease> releases = {{source, release}};
  Digest key = install_plan_key(releases, config, {"jq"});
  CHECK(key == install_plan_key(releases, config, {"jq"}));
  CHECK(key != install_plan_key(releases, config, {"jq", "curl"}));
  std::vector<SourceRelease> newer = releases;
  newer[0].release.text_sha256 = std::string(64, 'b');
  CHECK(key != install_plan_key(newer, config, {"jq"}));

  CHECK_FALSE(find_install_plan(key, store, releases, "amd64"));
  Package jq;
  jq.name = "jq";
  jq.version = "1.6-2.1+deb12u3";
  jq.architecture = "amd64";
  jq.filename = "pool/main/j/jq/jq_1.6-2.1+deb12u3_amd64.deb";
  jq.size = 64000;
  jq.sha256 = std::string(64, 'c');
  jq.installed_size = 100;
  jq.archive_uri = source.uri;
  record_install_plan(key, {jq}, releases, store);
  auto found = find_install_plan(key, store, releases, "amd64");
  REQUIRE(found);
  REQUIRE(found->size() == 1);
  CHECK(found->front().label() == jq.label());
  CHECK(found->front().filename == jq.filename);
  CHECK(found->front().sha256 == jq.sha256);
  CHECK(found->front().archive_uri == jq.archive_uri);

  // Older or foreign, the plan is refused: resolved again.
  const std::vector<fs::path> records = test::cache_records_under(dir / "cache" / "apt" / "plans");
  REQUIRE(records.size() == 1);
  test::make_record_older(records[0]);
  CHECK_FALSE(find_install_plan(key, store, releases, "amd64"));
  record_install_plan(key, {jq}, releases, store);
  REQUIRE(find_install_plan(key, store, releases, "amd64"));
  test::make_record_foreign(records[0]);
  CHECK_FALSE(find_install_plan(key, store, releases, "amd64"));
}
