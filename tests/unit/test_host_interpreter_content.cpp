// --python-from host's collection as a registry cache record holds it
// (compat/host_interpreter_content.h): what one runner records another
// verifies against its own files, and any difference on that host (a file's
// bytes, a name added to a folder the collection read, a path that appeared,
// a link retargeted), or a record that lies (a wrong hash, a file the
// collection never looked at, another interpreter, a broken shape), is a
// miss: the caller collects again.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>

#include "compat/host_interpreter_content.h"
#include "store/cache_record.h"
#include "temp_dir.h"

using namespace venv2docker;
using nlohmann::json;

namespace {

void write(const std::filesystem::path& file, const std::string& text) { std::ofstream(file) << text; }

LayerEntry file_entry(const std::filesystem::path& file) {
  const std::optional<SourceStat> stat = lstat_source(file);
  return LayerEntry{file.string(), EntryKind::regular, 0644, {}, file.string(), std::nullopt, stat->size, stat};
}

// An interpreter of two files in a folder the collection walked, a link, a
// library it looked for and did not find, and the folder it passed through.
struct Collected {
  test::TempDir tmp;
  HostInterpreter host;
  Collected() {
    std::filesystem::create_directories(tmp / "lib");
    write(tmp / "bin-python", "an interpreter");
    write(tmp / "lib" / "os.py", "import sys\n");
    std::filesystem::create_symlink("bin-python", tmp / "python");
    host.executable = (tmp / "python").string();
    host.warnings = {"a warning it gave"};
    host.entries = {file_entry(tmp / "bin-python"), file_entry(tmp / "lib" / "os.py"),
                    LayerEntry{(tmp / "python").string(), EntryKind::symlink, 0777, "bin-python", {}, std::nullopt, 0,
                               std::nullopt},
                    LayerEntry{"/etc/passwd", EntryKind::regular, 0644, {}, {}, std::string("root:x:0:0::/:/bin/sh\n"),
                               21, std::nullopt}};
    host.inputs = {{(tmp / "python").string(), HostInput::Check::lstat, lstat_source(tmp / "python")},
                   {(tmp / "bin-python").string(), HostInput::Check::lstat, lstat_source(tmp / "bin-python")},
                   {(tmp / "lib").string(), HostInput::Check::lstat, lstat_source(tmp / "lib")},
                   {(tmp / "lib" / "os.py").string(), HostInput::Check::lstat, lstat_source(tmp / "lib" / "os.py")},
                   {(tmp / "libz.so.1").string(), HostInput::Check::stat, std::nullopt},
                   {tmp.path().string(), HostInput::Check::folder, std::nullopt}};
  }
  std::optional<json> recorded() {
    FileDigests digests;
    return host_interpreter_content(host, digests);
  }
  std::optional<HostInterpreter> verified(const json& record) {
    FileDigests digests;  // another runner's
    return verified_host_interpreter(record, host.executable, digests);
  }
};

}  // namespace

TEST_CASE("an interpreter's collection by content: verified on an unchanged host", "[host_interpreter_content]") {
  Collected c;
  const std::optional<json> record = c.recorded();
  REQUIRE(record);
  // Through CBOR, as the registry cache record carries it.
  const std::optional<HostInterpreter> host = c.verified(json::from_cbor(json::to_cbor(*record)));
  REQUIRE(host);
  CHECK(host->executable == c.host.executable);
  CHECK(host->warnings == c.host.warnings);
  REQUIRE(host->entries.size() == c.host.entries.size());
  for (std::size_t i = 0; i < host->entries.size(); ++i) {
    CHECK(host->entries[i].path == c.host.entries[i].path);
    CHECK(host->entries[i].kind == c.host.entries[i].kind);
    CHECK(host->entries[i].mode == c.host.entries[i].mode);
    CHECK(host->entries[i].link_target == c.host.entries[i].link_target);
    CHECK(host->entries[i].source == c.host.entries[i].source);
    CHECK(host->entries[i].content == c.host.entries[i].content);
    CHECK(host->entries[i].size == c.host.entries[i].size);
    CHECK(host->entries[i].source_stat == c.host.entries[i].source_stat);
  }
  CHECK(host->inputs.empty());
}

TEST_CASE("an interpreter's collection by content: any change on this host is a miss", "[host_interpreter_content]") {
  Collected c;
  const std::optional<json> record = c.recorded();
  REQUIRE(record);
  SECTION("a file's bytes, same size") { write(c.tmp / "lib" / "os.py", "import os\n\n"); }
  SECTION("a name added to a folder the collection walked") { write(c.tmp / "lib" / "added.py", ""); }
  SECTION("a library it did not find appears") { write(c.tmp / "libz.so.1", "a library"); }
  SECTION("a link retargeted") {
    std::filesystem::remove(c.tmp / "python");
    std::filesystem::create_symlink("lib/os.py", c.tmp / "python");
  }
  SECTION("a mode") { std::filesystem::permissions(c.tmp / "bin-python", std::filesystem::perms::owner_exec,
                                                   std::filesystem::perm_options::add); }
  SECTION("a file gone") { std::filesystem::remove(c.tmp / "bin-python"); }
  CHECK_FALSE(c.verified(*record));
}

TEST_CASE("an interpreter's collection by content: a record that lies is a miss", "[host_interpreter_content]") {
  Collected c;
  std::optional<json> record = c.recorded();
  REQUIRE(record);
  json& entries = (*record)["entries"];
  SECTION("what the inputs showed") { (*record)["observed"] = sha256_of("other observations").str(); }
  SECTION("a file's size") { entries[1][6] = 3; }
  SECTION("an input looked at another way") { (*record)["inputs"][0][1] = static_cast<int>(HostInput::Check::stat); }
  SECTION("a host file the collection never looked at") {
    write(c.tmp / "secret", "a key");
    entries.push_back(json::array({cache_bytes("/root/.ssh/id_rsa"), static_cast<int>(EntryKind::regular), 0600,
                                   cache_bytes(""), cache_bytes((c.tmp / "secret").string()), nullptr, 5}));
  }
  SECTION("an input dropped, whose file an entry packs") { (*record)["inputs"].erase(3); }
  SECTION("an entry kind out of range") { entries[0][1] = 7; }
  SECTION("an input check out of range") { (*record)["inputs"][0][1] = 9; }
  SECTION("the wrong shape") { entries[0] = "not an entry"; }
  SECTION("another interpreter") { (*record)["executable"] = cache_bytes("/usr/bin/python3.12"); }
  CHECK_FALSE(c.verified(*record));
}

TEST_CASE("an interpreter's collection by content: a file that cannot be read is not recorded",
          "[host_interpreter_content]") {
  Collected c;
  SECTION("gone") { std::filesystem::remove(c.tmp / "lib" / "os.py"); }
  SECTION("a file packed that the collection did not look at") { c.host.inputs.erase(c.host.inputs.begin() + 3); }
  CHECK_FALSE(c.recorded());
}
