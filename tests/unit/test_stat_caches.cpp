// The caches keyed by file stat: the file memo (and the ELF headers it keeps)
// and the host interpreter's collection. Each must notice a changed input.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <chrono>
#include <functional>
#include <thread>

#include "cache_record_files.h"
#include "compat/elf_memo.h"
#include "compat/host_interpreter_cache.h"
#include "store/file_stat_memo.h"
#include "temp_dir.h"
#include "venv/venv.h"
#include "venv_fixture.h"

using namespace venv2docker;
namespace fs = std::filesystem;

namespace {

using test::write_file;

// A memo of values of the test's own.
constexpr CacheRecordKind k_test_memo{"test-memo", 1, std::size_t{1} << 20};

// Nothing keyed by a stat younger than k_settle_seconds is recorded.
void let_settle() { std::this_thread::sleep_for(std::chrono::milliseconds(k_settle_seconds * 1000 + 100)); }

// A new mtime (and ctime) with the same size and bytes: only the stat says it changed.
void touch(const fs::path& file) {
  fs::last_write_time(file, fs::last_write_time(file) + std::chrono::seconds(1));
}

LayerEntry host_entry(const std::string& path, const fs::path& source, std::uint32_t mode) {
  return LayerEntry{path, EntryKind::regular, mode, {}, source, std::nullopt, fs::file_size(source),
                    lstat_source(source)};
}

}  // namespace

TEST_CASE("file stat memo: a value is kept while the stat is unchanged, dropped once it changes", "[stat_caches]") {
  test::TempDir tmp;
  write_file(tmp / "a.txt", "hello");
  let_settle();
  {
    FileStatMemo memo(tmp / "memo.cbor", k_test_memo);
    CHECK_FALSE(memo.value(tmp / "a.txt"));
    memo.remember(tmp / "a.txt", std::nullopt, nlohmann::json{{"answer", 42}});
    memo.save();
  }
  FileStatMemo unchanged(tmp / "memo.cbor", k_test_memo);
  REQUIRE(unchanged.value(tmp / "a.txt"));
  CHECK(unchanged.value(tmp / "a.txt")->at("answer") == 42);

  touch(tmp / "a.txt");
  FileStatMemo touched(tmp / "memo.cbor", k_test_memo);
  CHECK_FALSE(touched.value(tmp / "a.txt"));
  CHECK_FALSE(touched.unchanged(tmp / "a.txt"));
}

TEST_CASE("file stat memo: a memo of another kind or version starts empty", "[stat_caches]") {
  test::TempDir tmp;
  write_file(tmp / "a.txt", "hello");
  write_file(tmp / "b\xE9.txt", "Latin-1 name");
  let_settle();
  {
    FileStatMemo memo(tmp / "memo.cbor", k_test_memo);
    memo.remember(tmp / "a.txt", std::nullopt, nlohmann::json{{"answer", 42}});
    memo.remember(tmp / "b\xE9.txt");
    memo.save();
  }
  CHECK(FileStatMemo(tmp / "memo.cbor", k_test_memo).unchanged(tmp / "b\xE9.txt"));
  CHECK_FALSE(FileStatMemo(tmp / "memo.cbor", k_elf_memo).unchanged(tmp / "a.txt"));
  CHECK_FALSE(FileStatMemo(tmp / "memo.cbor", CacheRecordKind{"test-memo", 2, std::size_t{1} << 20}).unchanged(tmp / "a.txt"));
  test::make_record_older(tmp / "memo.cbor");
  CHECK_FALSE(FileStatMemo(tmp / "memo.cbor", CacheRecordKind{"test-memo", 1, std::size_t{1} << 20}).value(tmp / "a.txt"));
  CHECK(FileStatMemo(tmp / "memo.cbor", CacheRecordKind{"test-memo", 0, std::size_t{1} << 20}).value(tmp / "a.txt"));
}

TEST_CASE("file stat memo: a file changed seconds ago is not remembered", "[stat_caches]") {
  test::TempDir tmp;
  write_file(tmp / "fresh.txt", "x");
  FileStatMemo memo(tmp / "memo.cbor", k_test_memo);
  memo.remember(tmp / "fresh.txt");
  memo.save();
  CHECK_FALSE(FileStatMemo(tmp / "memo.cbor", k_test_memo).unchanged(tmp / "fresh.txt"));
}

TEST_CASE("file stat memo: the compact record round-trips many files, values and a name that is not UTF-8",
          "[stat_caches]") {
  test::TempDir tmp;
  constexpr int k_files = 300;
  for (int i = 0; i < k_files; ++i) write_file(tmp / ("f" + std::to_string(i)), std::string(static_cast<std::size_t>(i), 'x'));
  write_file(tmp / "b\xE9.txt", "Latin-1 name");
  let_settle();
  {
    FileStatMemo memo(tmp / "memo.cbor", k_test_memo);
    for (int i = 0; i < k_files; ++i) {
      // Every third file with a value, the rest remembered without one.
      memo.remember(tmp / ("f" + std::to_string(i)), std::nullopt,
                    i % 3 == 0 ? nlohmann::json{{"n", i}} : nlohmann::json());
    }
    memo.remember(tmp / "b\xE9.txt", std::nullopt, nlohmann::json::binary({0xff, 0x00}));
    memo.save();
  }
  // 44 bytes a file, the values apart: the layout the header documents.
  const nlohmann::json record = nlohmann::json::from_cbor(test::read_file(tmp / "memo.cbor"));
  CHECK(record.at("body").at("files").get_binary().size() == (k_files + 1) * 44);
  CHECK(record.at("body").at("values").size() == k_files / 3 + 1);

  FileStatMemo loaded(tmp / "memo.cbor", k_test_memo);
  CHECK_FALSE(loaded.was_damaged());
  for (int i = 0; i < k_files; ++i) {
    const auto value = loaded.value(tmp / ("f" + std::to_string(i)));
    REQUIRE(value);
    if (i % 3 == 0) {
      CHECK(value->at("n") == i);
    } else {
      CHECK(value->is_null());
    }
  }
  REQUIRE(loaded.value(tmp / "b\xE9.txt"));
  CHECK(loaded.value(tmp / "b\xE9.txt")->get_binary() == nlohmann::json::binary_t({0xff, 0x00}));
  CHECK_FALSE(loaded.unchanged(tmp / "never-remembered"));

  // Loaded and saved unchanged, the record is not written again.
  const auto written = fs::last_write_time(tmp / "memo.cbor");
  for (int i = 0; i < k_files; ++i) loaded.remember(tmp / ("f" + std::to_string(i)), std::nullopt, *loaded.value(tmp / ("f" + std::to_string(i))));
  loaded.remember(tmp / "b\xE9.txt", std::nullopt, *loaded.value(tmp / "b\xE9.txt"));
  loaded.save();
  CHECK(fs::last_write_time(tmp / "memo.cbor") == written);
}

TEST_CASE("file stat memo: a file is known by its inode, so a hard link to it is too, and a new file at its path is not",
          "[stat_caches]") {
  test::TempDir tmp;
  write_file(tmp / "a.txt", "hello");
  fs::create_hard_link(tmp / "a.txt", tmp / "link.txt");
  write_file(tmp / "other.txt", "hello");
  let_settle();
  {
    FileStatMemo memo(tmp / "memo.cbor", k_test_memo);
    memo.remember(tmp / "a.txt", std::nullopt, nlohmann::json{{"answer", 42}});
    memo.save();
  }
  FileStatMemo memo(tmp / "memo.cbor", k_test_memo);
  REQUIRE(memo.value(tmp / "link.txt"));
  CHECK(memo.value(tmp / "link.txt")->at("answer") == 42);
  // The same bytes in another file are another file.
  CHECK_FALSE(memo.unchanged(tmp / "other.txt"));
  // Another file renamed over the path, even with the same size and mtime.
  fs::remove(tmp / "link.txt");
  fs::last_write_time(tmp / "other.txt", fs::last_write_time(tmp / "a.txt"));
  fs::rename(tmp / "other.txt", tmp / "a.txt");
  CHECK_FALSE(FileStatMemo(tmp / "memo.cbor", k_test_memo).unchanged(tmp / "a.txt"));
}

TEST_CASE("file stat memo: a damaged record is ignored (every file read again) and replaced by the next save",
          "[stat_caches]") {
  test::TempDir tmp;
  write_file(tmp / "a.txt", "hello");
  write_file(tmp / "b.txt", "world");
  let_settle();
  const auto save_both = [&] {
    FileStatMemo memo(tmp / "memo.cbor", k_test_memo);
    memo.remember(tmp / "a.txt", std::nullopt, nlohmann::json{{"answer", 42}});
    memo.remember(tmp / "b.txt");
    memo.save();
  };
  using Edit = std::function<void(nlohmann::json&)>;
  const std::vector<std::pair<std::string, Edit>> damages = {
      {"files cut short", [](nlohmann::json& body) { body["files"].get_binary().pop_back(); }},
      {"a value index past the values", [](nlohmann::json& body) { body["values"] = nlohmann::json::array(); }},
      {"files out of order",
       [](nlohmann::json& body) {
         auto& files = body["files"].get_binary();
         std::rotate(files.begin(), files.begin() + 44, files.end());
       }},
      {"a file twice",
       [](nlohmann::json& body) {
         auto& files = body["files"].get_binary();
         files.resize(88);
         std::copy(files.begin(), files.begin() + 44, files.begin() + 44);
       }},
      {"files as text", [](nlohmann::json& body) { body["files"] = "not bytes"; }},
      {"no values", [](nlohmann::json& body) { body.erase("values"); }},
      {"a list for a body", [](nlohmann::json& body) { body = nlohmann::json::array(); }},
  };
  for (const auto& [what, damage] : damages) {
    SECTION(what) {
      save_both();
      test::edit_cache_record(tmp / "memo.cbor", [&](nlohmann::json& record) { damage(record["body"]); });
      FileStatMemo damaged(tmp / "memo.cbor", k_test_memo);
      CHECK(damaged.was_damaged());
      CHECK(damaged.damage_warning().find((tmp / "memo.cbor").string()) != std::string::npos);
      CHECK_FALSE(damaged.unchanged(tmp / "a.txt"));
      CHECK_FALSE(damaged.unchanged(tmp / "b.txt"));
      damaged.remember(tmp / "a.txt", std::nullopt, nlohmann::json{{"answer", 43}});
      damaged.save();
      FileStatMemo repaired(tmp / "memo.cbor", k_test_memo);
      CHECK_FALSE(repaired.was_damaged());
      REQUIRE(repaired.value(tmp / "a.txt"));
      CHECK(repaired.value(tmp / "a.txt")->at("answer") == 43);
    }
  }
}

TEST_CASE("ELF memo: headers come from the memo while unchanged, and a replaced file is read again", "[stat_caches]") {
  test::TempDir tmp;
  fs::copy_file(test::host_python_binary(), tmp / "libfake.so");
  write_file(tmp / "libcut.so", test::read_file(test::host_python_binary()).substr(0, 64));
  let_settle();
  const LayerEntry elf = host_entry("/opt/venv/libfake.so", tmp / "libfake.so", 0755);
  std::optional<ElfInfo> first;
  {
    FileStatMemo memo(tmp / "elf.cbor", k_elf_memo);
    first = host_elf_of(elf, &memo).info;
    memo.save();
  }
  REQUIRE(first);
  FileStatMemo memo(tmp / "elf.cbor", k_elf_memo);
  auto again = host_elf_of(elf, &memo).info;
  REQUIRE(again);
  CHECK(again->needed == first->needed);
  CHECK(again->machine == first->machine);
  CHECK(again->interpreter == first->interpreter);

  // Replaced by a text file: the memo must not answer with the old headers.
  write_file(tmp / "libfake.so", "not an ELF file");
  FileStatMemo after(tmp / "elf.cbor", k_elf_memo);
  CHECK_FALSE(host_elf_of(host_entry("/opt/venv/libfake.so", tmp / "libfake.so", 0755), &after).info);

  // Cut short (ELF's magic, then nothing it claims): its problem is remembered, so a rebuild warns again.
  const LayerEntry cut = host_entry("/opt/venv/libcut.so", tmp / "libcut.so", 0755);
  {
    FileStatMemo memo(tmp / "elf.cbor", k_elf_memo);
    REQUIRE(host_elf_of(cut, &memo).problem);
    memo.save();
  }
  FileStatMemo remembered(tmp / "elf.cbor", k_elf_memo);
  REQUIRE(remembered.value(tmp / "libcut.so", cut.source_stat));
  const ElfReading reading = host_elf_of(cut, &remembered);
  CHECK_FALSE(reading.info);
  REQUIRE(reading.problem);
  CHECK(reading.problem->find((tmp / "libcut.so").string()) != std::string::npos);
}

TEST_CASE("host inputs: unchanged until a file is touched, created or removed", "[stat_caches]") {
  test::TempDir tmp;
  write_file(tmp / "seen", "x");
  std::vector<HostInput> inputs{{(tmp / "seen").string(), HostInput::Check::lstat, lstat_source(tmp / "seen")},
                                {(tmp / "absent").string(), HostInput::Check::stat, std::nullopt},
                                {tmp.path().string(), HostInput::Check::folder,
                                 observe_host_input(tmp.path().string(), HostInput::Check::folder)}};
  CHECK(host_inputs_unchanged(inputs));
  touch(tmp / "seen");
  CHECK_FALSE(host_inputs_unchanged(inputs));
  inputs[0].stat = lstat_source(tmp / "seen");
  // A file added to a folder passed through changes nothing...
  write_file(tmp / "other", "y");
  CHECK(host_inputs_unchanged(inputs));
  // ...but a new mode does.
  fs::permissions(tmp.path(), fs::perms::others_write, fs::perm_options::add);
  CHECK_FALSE(host_inputs_unchanged(inputs));
  fs::permissions(tmp.path(), fs::perms::others_write, fs::perm_options::remove);
  CHECK(host_inputs_unchanged(inputs));
  write_file(tmp / "absent", "now here");
  CHECK_FALSE(host_inputs_unchanged(inputs));
  fs::remove(tmp / "absent");
  fs::remove(tmp / "seen");
  CHECK_FALSE(host_inputs_unchanged(inputs));
}

TEST_CASE("host interpreter cache: reused while nothing changed, collected again when the interpreter changes",
          "[stat_caches]") {
  test::TempDir tmp;
  // The venv's interpreter is a copy in a folder of our own, so the test can
  // change it; Python finds its standard library by its built-in prefix.
  Venv venv = open_venv(test::standard_venv().venv);
  venv.home = tmp / "bin";
  fs::create_directories(venv.home);
  fs::copy_file(test::host_python_binary(), host_interpreter_path(venv));
  let_settle();

  bool reused = true;
  HostInterpreter first = collect_host_interpreter_cached(venv, true, {}, tmp / "cache", &reused);
  CHECK_FALSE(reused);
  HostInterpreter second = collect_host_interpreter_cached(venv, true, {}, tmp / "cache", &reused);
  CHECK(reused);
  REQUIRE(second.entries.size() == first.entries.size());
  for (std::size_t i = 0; i < first.entries.size(); ++i) {
    CHECK(second.entries[i].path == first.entries[i].path);
    CHECK(second.entries[i].source_stat == first.entries[i].source_stat);
  }
  CHECK(second.executable == first.executable);

  touch(host_interpreter_path(venv));
  HostInterpreter third = collect_host_interpreter_cached(venv, true, {}, tmp / "cache", &reused);
  CHECK_FALSE(reused);
  bool found = false;
  for (const auto& entry : third.entries) {
    if (entry.path == host_interpreter_path(venv)) {
      found = true;
      CHECK(entry.source_stat == lstat_source(entry.path));
    }
  }
  CHECK(found);

  // Another set of venv ELF files is another record.
  collect_host_interpreter_cached(venv, true, {test::host_python_binary()}, tmp / "cache", &reused);
  CHECK_FALSE(reused);

  // Records older or foreign are collected again (once the touched
  // interpreter has settled, so that the new record is kept).
  let_settle();
  for (const auto& record : test::cache_records_under(tmp / "cache" / "interpreters")) test::make_record_older(record);
  collect_host_interpreter_cached(venv, true, {}, tmp / "cache", &reused);
  CHECK_FALSE(reused);
  collect_host_interpreter_cached(venv, true, {}, tmp / "cache", &reused);
  CHECK(reused);
  for (const auto& record : test::cache_records_under(tmp / "cache" / "interpreters")) test::make_record_foreign(record);
  collect_host_interpreter_cached(venv, true, {}, tmp / "cache", &reused);
  CHECK_FALSE(reused);
}
