// The venv stage record: its key must change with every input that changes
// relocation, the checks or the layers, and nothing else; a record is a miss
// once one of its layers is gone from the store.
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <thread>

#include "build/venv_stage_record.h"
#include "cache_record_files.h"
#include "temp_dir.h"
#include "venv_fixture.h"

using namespace venv2docker;
namespace fs = std::filesystem;

namespace {

struct StageFixture {
  test::TempDir tmp;
  BlobStore store{tmp / "store"};
  Venv venv;
  std::vector<LayerEntry> walked;
  std::optional<CacheKey> walked_key;
  RelocationParams relocation;
  BaseImage base = scratch_image(store);
  std::vector<LayerEntry> apt_layer;

  StageFixture() {
    test::write_file(tmp / "venv/pyvenv.cfg", "home = /usr/bin\n");
    test::write_file(tmp / "venv/lib/python3.11/site-packages/mod.py", "X = 1\n");
    test::write_file(tmp / "apt/libfoo.so.1", "not really a library\n");
    venv.root = tmp / "venv";
    venv.name = "venv";
    venv.config = {{"home", "/usr/bin"}};
    venv.python_version = "3.11";
    venv.site_packages = venv.root / "lib/python3.11/site-packages";
    venv.home = "/usr/bin";
    restat();
    apt_layer = {file("/usr/lib/libfoo.so.1", tmp / "apt/libfoo.so.1")};
    relocation.venv_destination = "/opt/venv";
    relocation.interpreter = "/usr/bin/python3.11";
  }

  static LayerEntry file(const std::string& path, const fs::path& source) {
    return LayerEntry{path, EntryKind::regular, 0644, {}, source.string(), std::nullopt, fs::file_size(source),
                      lstat_source(source)};
  }
  // The venv walked again, as a rebuild walks it.
  void restat() {
    const WalkedTree tree(WalkOptions{venv.root, "/opt/venv", {}, {}});
    walked = tree.entries(nullptr);
    std::vector<std::string> warnings;
    walked_key = walked_entries_key(tree, warnings);
  }

  VenvStageKeyInputs inputs() {
    VenvStageKeyInputs in;
    in.venv = &venv;
    in.walked_key = &*walked_key;
    in.walked = &walked;
    in.relocation = &relocation;
    in.base = &base;
    in.max_layers = 8;
    return in;
  }
  CacheKey key(const std::function<void(VenvStageKeyInputs&)>& edit = {}) {
    VenvStageKeyInputs in = inputs();
    if (edit) edit(in);
    return venv_stage_key(in);
  }
};

}  // namespace

TEST_CASE("venv stage key: the same inputs give the same key, each input its own", "[venv_stage]") {
  StageFixture f;
  // Files changed moments ago are never recorded: wait until these may be.
  std::this_thread::sleep_for(std::chrono::milliseconds(k_settle_seconds * 1000 + 100));
  f.restat();
  const CacheKey original = f.key();
  CHECK(original.settled);
  CHECK(f.key().digest == original.digest);

  const BaseImage arm = scratch_image(f.store, Platform::parse("linux/arm64"));
  const std::vector<std::function<void(VenvStageKeyInputs&)>> edits = {
      [&](VenvStageKeyInputs& in) { in.base = &arm; },
      [&](VenvStageKeyInputs& in) { in.python_from_host = true; },
      [&](VenvStageKeyInputs& in) { in.max_layers = 1; },
      [&](VenvStageKeyInputs& in) { in.layer_options.level = 9; },
      [&](VenvStageKeyInputs& in) { in.layer_options.mtime = 12345; },
      [&](VenvStageKeyInputs& in) { in.layer_below = sha256_of("an apt layer"); },
  };
  for (std::size_t i = 0; i < edits.size(); ++i) {
    INFO("edit " << i);
    CHECK(f.key(edits[i]).digest != original.digest);
  }

  SECTION("relocation's destinations and interpreter") {
    f.relocation.venv_destination = "/srv/venv";
    CHECK(f.key().digest != original.digest);
    f.relocation.venv_destination = "/opt/venv";
    f.relocation.interpreter = "/usr/local/bin/python3.11";
    CHECK(f.key().digest != original.digest);
    f.relocation.interpreter = "/usr/bin/python3.11";
    f.relocation.project_source = f.tmp / "project";
    CHECK(f.key().digest != original.digest);
    f.relocation.project_source.reset();
    CHECK(f.key().digest == original.digest);
  }
  SECTION("the venv's settings") {
    f.venv.config["include-system-site-packages"] = "true";
    CHECK(f.key().digest != original.digest);
  }
  SECTION("what the venv imports from the host's system site-packages") {
    std::vector<SystemDistribution> system = {{"numpy", "1.24.2", "/usr/lib/python3/dist-packages"}};
    const auto with = [&](VenvStageKeyInputs& in) { in.system_distributions = &system; };
    const Digest with_numpy = f.key(with).digest;
    CHECK(with_numpy != original.digest);
    system[0].version = "1.26.4";  // upgraded on the host
    CHECK(f.key(with).digest != with_numpy);
    system.clear();
    CHECK(f.key(with).digest == original.digest);
  }
  SECTION("an entry's mode, or a file the walk found changed") {
    const fs::path mod = f.venv.site_packages / "mod.py";
    fs::permissions(mod, fs::perms::owner_read | fs::perms::owner_write);
    f.restat();
    CHECK(f.key().digest != original.digest);
    fs::permissions(mod, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                             fs::perms::others_read);
    test::write_file(f.tmp / "venv/lib/python3.11/site-packages/mod.py", "X = 2\n");
    f.restat();
    const CacheKey edited = f.key();
    CHECK(edited.digest != original.digest);
    CHECK_FALSE(edited.settled);  // changed moments ago: used, not recorded
  }
}

TEST_CASE("venv stage record: read back whole, a miss once a layer's blob is gone", "[venv_stage]") {
  StageFixture f;
  BlobWriter blob = f.store.writer();
  blob.write("layer bytes", 11);
  const std::uint64_t size = blob.size();
  const Digest digest = blob.commit();
  const Layer layer{Descriptor{"application/vnd.oci.image.layer.v1.tar+gzip", digest, size, {}, std::nullopt},
                    sha256_of("tar bytes")};

  VenvStageRecord record;
  record.relocation_warnings = {"notes.conf still names /old"};
  record.venv_elf_files = {"/old/venv/lib/x.so"};
  record.interpreter_layer_key = "abc";
  record.report.venv = "/old/venv";
  record.report.base = "scratch";
  record.report.interpreter = "/usr/bin/python3.11";
  record.report.findings.push_back(
      Finding(Severity::error, "missing-library", "x.so needs libfoo.so.1", "/old/venv/lib/x.so", "add it", "libfoo.so.1"));
  record.layers = {{"venv packages numpy", layer}};
  const Digest key = f.key().digest;
  CHECK_FALSE(find_venv_stage(key, f.store));
  record_venv_stage(key, record, f.store);

  const auto found = find_venv_stage(key, f.store);
  REQUIRE(found);
  CHECK(found->relocation_warnings == record.relocation_warnings);
  CHECK(found->venv_elf_files == record.venv_elf_files);
  CHECK(found->interpreter_layer_key == "abc");
  CHECK(found->report.json() == record.report.json());
  REQUIRE(found->report.findings.size() == 1);
  CHECK(found->report.findings[0].subject == "libfoo.so.1");
  REQUIRE(found->layers.size() == 1);
  CHECK(found->layers[0].name == "venv packages numpy");
  CHECK(found->layers[0].layer.blob.digest == digest);
  CHECK(found->layers[0].layer.diff_id == layer.diff_id);

  // Older or foreign, the record is refused.
  const std::vector<fs::path> records = test::cache_records_under(f.tmp / "store" / "venv-stages");
  REQUIRE(records.size() == 1);
  test::make_record_older(records[0]);
  CHECK_FALSE(find_venv_stage(key, f.store));
  record_venv_stage(key, record, f.store);
  REQUIRE(find_venv_stage(key, f.store));
  test::make_record_foreign(records[0]);
  CHECK_FALSE(find_venv_stage(key, f.store));
  record_venv_stage(key, record, f.store);

  fs::remove(f.store.path_of(digest));
  CHECK_FALSE(find_venv_stage(key, f.store));
}

TEST_CASE("interpreter layer key: follows the interpreter's files", "[venv_stage]") {
  StageFixture f;
  const std::string before = interpreter_layer_key(f.apt_layer);
  CHECK(interpreter_layer_key(f.apt_layer) == before);
  CHECK(interpreter_layer_key({}) != before);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  test::write_file(f.tmp / "apt/libfoo.so.1", "another library\n");
  f.apt_layer[0].source_stat = lstat_source(f.apt_layer[0].source);
  f.apt_layer[0].size = fs::file_size(f.apt_layer[0].source);
  CHECK(interpreter_layer_key(f.apt_layer) != before);
}

TEST_CASE("venv stage content key: the same bytes on another machine give the same key", "[venv_stage]") {
  StageFixture f;
  const auto by_content = [&]() {
    const std::optional<Digest> made = venv_stage_content_key(f.inputs());
    REQUIRE(made);
    return *made;
  };
  const Digest first = by_content();
  const CacheKey first_by_stat = f.key();
  // A fresh checkout: the same bytes in a new file (new inode, ctime, mtime).
  const fs::path mod = f.venv.site_packages / "mod.py";
  fs::remove(mod);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  test::write_file(mod, "X = 1\n");
  f.restat();
  CHECK(by_content() == first);
  CHECK(f.key().digest != first_by_stat.digest);  // the local key, by lstat, cannot be shared
  CHECK(first != first_by_stat.digest);
  // Another byte of the same size is another key.
  test::write_file(mod, "X = 2\n");
  f.restat();
  CHECK(by_content() != first);
  // A file that cannot be read gives no key.
  test::write_file(mod, "X = 1\n");
  f.restat();
  CHECK(by_content() == first);
  fs::remove(mod);
  CHECK_FALSE(venv_stage_content_key(f.inputs()));
}

TEST_CASE("venv stage record: a layer the reader cannot use makes the record a miss", "[venv_stage]") {
  StageFixture f;
  VenvStageRecord record;
  record.venv_elf_files = {"/v/\xfe.so"};
  record.layers.push_back(VenvStageLayer{
      "numpy", Layer{Descriptor{"application/vnd.oci.image.layer.v1.tar+gzip", sha256_of("blob"), 10, {}, {}},
                     sha256_of("tar")}});
  const nlohmann::json json = venv_stage_json(record);
  const auto back = venv_stage_from_json(json, [](const Layer&) { return true; });
  REQUIRE(back);
  CHECK(back->venv_elf_files == record.venv_elf_files);
  REQUIRE(back->layers.size() == 1);
  CHECK(back->layers[0].layer.blob.digest == sha256_of("blob"));
  CHECK_FALSE(venv_stage_from_json(json, [](const Layer&) { return false; }));
  nlohmann::json damaged = json;
  damaged["layers"][0]["digest"] = "sha256:../../x";
  CHECK_FALSE(venv_stage_from_json(damaged, [](const Layer&) { return true; }));
}
