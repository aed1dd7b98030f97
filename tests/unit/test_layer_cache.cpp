#include <sys/fsuid.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "layer/gzip_parallel.h"
#include "layer/layer_cache.h"
#include "temp_dir.h"
#include "util/error.h"
#include "venv_fixture.h"

using namespace venv2docker;
namespace fs = std::filesystem;

namespace {

using test::write_file;

LayerEntry file_entry(const std::string& path, const fs::path& source) {
  return LayerEntry{path, EntryKind::regular, 0644, {}, source, std::nullopt, fs::file_size(source), std::nullopt};
}

LayerEntry text_entry(const std::string& path, const std::string& text) {
  return LayerEntry{path, EntryKind::regular, 0644, {}, {}, text, text.size(), std::nullopt};
}

// Sources changed within k_settle_seconds are never recorded (a later change
// in the same timestamp tick would go unnoticed), so fixtures wait that out.
void let_sources_settle() { std::this_thread::sleep_for(std::chrono::milliseconds(k_settle_seconds * 1000 + 100)); }

LayerOptions quick_options() {
  LayerOptions options;
  options.threads = 2;
  options.level = 1;
  return options;
}

Layer build(const std::vector<LayerEntry>& entries, const LayerOptions& options, const BlobStore& store, bool& reused) {
  return write_layer_cached(entries, options, store, &reused);
}

// Reads and writes files as another user, on this thread only (the layer
// writer reads its sources on the calling thread): root's permission
// overrides are dropped with the file-system uid, so a mode 000 file really is
// unreadable. Restores root on destruction.
struct ActAsNobody {
  ActAsNobody() { ::setfsuid(65534); }
  ~ActAsNobody() { ::setfsuid(0); }
};

}  // namespace

TEST_CASE("layer cache: a hit reuses the layer without opening its files; a touched file is a miss", "[layer_cache]") {
  test::TempDir tmp;
  fs::permissions(tmp.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
  write_file(tmp / "src/a.py", "print('a')\n");
  write_file(tmp / "src/secret.bin", std::string(100000, 's'));
  const bool root = ::geteuid() == 0;
  // As root the first build still reads it; as nobody no one can.
  if (root) fs::permissions(tmp / "src/secret.bin", fs::perms::none);
  std::vector<LayerEntry> entries = {
      LayerEntry{"/app", EntryKind::directory, 0755, {}, {}, std::nullopt, 0, std::nullopt},
      file_entry("/app/a.py", tmp / "src/a.py"),
      file_entry("/app/secret.bin", tmp / "src/secret.bin"),
      LayerEntry{"/app/link", EntryKind::symlink, 0777, "a.py", {}, std::nullopt, 0, std::nullopt},
      text_entry("/app/rewritten.txt", "relocated\n"),
  };
  let_sources_settle();
  BlobStore store(tmp / "cache");
  bool reused = true;
  const Layer first = build(entries, quick_options(), store, reused);
  CHECK_FALSE(reused);
  CHECK(store.has(first.blob.digest));
  CHECK(fs::is_directory(tmp / "cache/layers"));

  Layer second = [&] {
    if (!root) return build(entries, quick_options(), store, reused);
    ActAsNobody nobody;
    return build(entries, quick_options(), store, reused);
  }();
  CHECK(reused);
  CHECK(second.blob.digest == first.blob.digest);
  CHECK(second.diff_id == first.diff_id);
  CHECK(second.blob.size == first.blob.size);
  CHECK(second.blob.media_type == first.blob.media_type);

  // Same bytes, new mtime: the key changes, so the file is read again (and,
  // as nobody, cannot be: proof that a miss really reads).
  fs::last_write_time(tmp / "src/secret.bin", fs::file_time_type::clock::now() - std::chrono::hours(1));
  if (root) {
    fs::permissions(tmp / "cache/tmp", fs::perms::all);  // so only the read can fail
    ActAsNobody nobody;
    CHECK_THROWS_WITH(build(entries, quick_options(), store, reused), Catch::Matchers::Contains("secret.bin"));
  }
  const Layer third = build(entries, quick_options(), store, reused);
  CHECK_FALSE(reused);
  CHECK(third.blob.digest == first.blob.digest);  // same bytes after all
}

TEST_CASE("layer cache: rewritten content and every byte-changing option are part of the key", "[layer_cache]") {
  test::TempDir tmp;
  BlobStore store(tmp / "cache");
  const std::vector<LayerEntry> entries = {text_entry("/opt/venv/pyvenv.cfg", "home = /usr/bin\n")};
  bool reused = false;
  const Layer base = build(entries, quick_options(), store, reused);
  CHECK_FALSE(reused);
  build(entries, quick_options(), store, reused);
  CHECK(reused);

  SECTION("content") {
    const Layer changed = build({text_entry("/opt/venv/pyvenv.cfg", "home = /usr/local/bin\n")}, quick_options(), store,
                                reused);
    CHECK_FALSE(reused);
    CHECK(changed.blob.digest != base.blob.digest);
  }
  SECTION("mode") {
    auto moved = entries;
    moved[0].mode = 0600;
    CHECK(build(moved, quick_options(), store, reused).blob.digest != base.blob.digest);
    CHECK_FALSE(reused);
  }
  SECTION("mtime") {
    LayerOptions options = quick_options();
    options.mtime = 1700000000;
    CHECK(build(entries, options, store, reused).blob.digest != base.blob.digest);
    CHECK_FALSE(reused);
  }
  SECTION("compression level") {
    LayerOptions options = quick_options();
    options.level = 9;
    build(entries, options, store, reused);
    CHECK_FALSE(reused);
  }
  SECTION("media family") {
    LayerOptions options = quick_options();
    options.family = MediaFamily::docker;
    const Layer docker = build(entries, options, store, reused);
    CHECK_FALSE(reused);
    CHECK(docker.blob.media_type != base.blob.media_type);
  }
  SECTION("thread count does not change the bytes, so it is no miss") {
    LayerOptions options = quick_options();
    options.threads = 1;
    CHECK(build(entries, options, store, reused).blob.digest == base.blob.digest);
    CHECK(reused);
  }
  SECTION("entry order does not matter") {
    auto two = entries;
    two.push_back(text_entry("/opt/venv/a.txt", "a"));
    const Layer forward = build(two, quick_options(), store, reused);
    std::reverse(two.begin(), two.end());
    CHECK(build(two, quick_options(), store, reused).blob.digest == forward.blob.digest);
    CHECK(reused);
  }
}

TEST_CASE("layer cache: a record whose blob is gone or damaged is ignored", "[layer_cache]") {
  test::TempDir tmp;
  BlobStore store(tmp / "cache");
  const std::vector<LayerEntry> entries = {text_entry("/x.txt", "x")};
  bool reused = false;
  const Layer layer = build(entries, quick_options(), store, reused);
  const auto key = layer_cache_key(entries, quick_options());
  REQUIRE(key);
  REQUIRE(find_cached_layer(key->digest, store));

  fs::remove(store.path_of(layer.blob.digest));
  CHECK_FALSE(find_cached_layer(key->digest, store));
  CHECK(build(entries, quick_options(), store, reused).blob.digest == layer.blob.digest);
  CHECK_FALSE(reused);
  CHECK(store.has(layer.blob.digest));

  write_file(layer_record_path(key->digest, store), "{not a record");
  CHECK_FALSE(find_cached_layer(key->digest, store));
  build(entries, quick_options(), store, reused);
  CHECK_FALSE(reused);
  build(entries, quick_options(), store, reused);
  CHECK(reused);
}

TEST_CASE("layer cache: sources changed moments ago are used but not recorded", "[layer_cache]") {
  test::TempDir tmp;
  write_file(tmp / "fresh.txt", "just written");
  const std::vector<LayerEntry> entries = {file_entry("/fresh.txt", tmp / "fresh.txt")};
  auto key = layer_cache_key(entries, quick_options());
  REQUIRE(key);
  CHECK_FALSE(key->settled);
  BlobStore store(tmp / "cache");
  bool reused = true;
  build(entries, quick_options(), store, reused);
  CHECK_FALSE(reused);
  CHECK_FALSE(find_cached_layer(key->digest, store));

  CHECK_FALSE(layer_cache_key({file_entry("/gone.txt", tmp / "fresh.txt")}, quick_options())->digest == key->digest);
  std::vector<LayerEntry> missing = {entries[0]};
  missing[0].source = tmp / "missing.txt";
  CHECK_FALSE(layer_cache_key(missing, quick_options()));
  CHECK_THROWS_AS(write_layer_cached(missing, quick_options(), store), Error);
}

TEST_CASE("layer cache: concurrent builds sharing one store agree and leave valid records", "[layer_cache]") {
  test::TempDir tmp;
  for (int i = 0; i < 40; ++i) write_file(tmp / ("src/f" + std::to_string(i)), std::string(20000 + i, 'a' + i % 26));
  std::vector<LayerEntry> entries;
  for (int i = 0; i < 40; ++i) {
    entries.push_back(file_entry("/data/f" + std::to_string(i), tmp / ("src/f" + std::to_string(i))));
  }
  let_sources_settle();
  BlobStore store(tmp / "cache");

  constexpr int k_rounds = 6;
  std::vector<Layer> results[2];
  std::exception_ptr failures[2];
  auto worker = [&](int who) {
    try {
      BlobStore own_view(tmp / "cache");  // as a second process would open it
      for (int round = 0; round < k_rounds; ++round) {
        // Alternate options so both threads keep writing new layers and records.
        LayerOptions options = quick_options();
        options.mtime = k_default_epoch + round % 3;
        results[who].push_back(write_layer_cached(entries, options, own_view));
      }
    } catch (...) {
      failures[who] = std::current_exception();
    }
  };
  std::thread a(worker, 0), b(worker, 1);
  a.join();
  b.join();
  for (auto& failure : failures) {
    if (failure) std::rethrow_exception(failure);
  }
  for (int round = 0; round < k_rounds; ++round) {
    CHECK(results[0][round].blob.digest == results[1][round].blob.digest);
    CHECK(results[0][round].diff_id == results[1][round].diff_id);
    LayerOptions options = quick_options();
    options.mtime = k_default_epoch + round % 3;
    auto sorted = entries;  // as write_layer_cached keys them
    sort_entries(sorted);
    auto key = layer_cache_key(sorted, options);
    REQUIRE(key);
    auto recorded = find_cached_layer(key->digest, store);
    REQUIRE(recorded);
    CHECK(recorded->blob.digest == results[0][round].blob.digest);
    CHECK(store.has(recorded->blob.digest));
  }
  // No temporaries left behind by either writer.
  for (const auto& file : fs::directory_iterator(tmp / "cache/layers")) {
    CHECK(file.path().extension() == ".cbor");
    CHECK(file.path().filename().string().front() != '.');
  }
}

// write_layers_cached's argument: the lists by reference.
static std::vector<const std::vector<LayerEntry>*> references(const std::vector<std::vector<LayerEntry>>& layers) {
  std::vector<const std::vector<LayerEntry>*> lists;
  for (const auto& entries : layers) lists.push_back(&entries);
  return lists;
}

TEST_CASE("layer cache: several layers at once give the layers written one by one, in order", "[layer_cache]") {
  test::TempDir tmp;
  std::vector<std::vector<LayerEntry>> layers;
  for (int i = 0; i < 5; ++i) {
    // Sizes out of order, so the largest-first schedule differs from the input order.
    layers.push_back({text_entry("/layer" + std::to_string(i) + ".txt", std::string(1000 * ((i * 7) % 5 + 1), 'x'))});
  }
  BlobStore one_by_one(tmp / "one");
  std::vector<std::string> expected;
  for (const auto& entries : layers) expected.push_back(write_layer(entries, quick_options(), one_by_one).blob.digest.str());

  BlobStore store(tmp / "many");
  for (unsigned threads : {1u, 2u, 4u}) {
    LayerOptions options = quick_options();
    options.threads = threads;
    std::vector<bool> reused;
    const auto written = write_layers_cached(references(layers), options, store, &reused);
    REQUIRE(written.size() == layers.size());
    REQUIRE(reused.size() == layers.size());
    for (std::size_t i = 0; i < layers.size(); ++i) {
      CHECK(written[i].blob.digest.str() == expected[i]);
      CHECK(reused[i] == (threads != 1));  // the first round writes, later rounds reuse
    }
  }
  // Progress adds up every layer's tar bytes, one call at a time.
  BlobStore fresh(tmp / "fresh");
  LayerOptions options = quick_options();
  std::uint64_t last = 0;
  bool monotonic = true;
  options.progress = [&](std::uint64_t bytes) {
    monotonic = monotonic && bytes >= last;
    last = bytes;
  };
  write_layers_cached(references(layers), options, fresh);
  CHECK(monotonic);
  CHECK(last >= 5 * 1000 + 5 * 512);  // at least the contents and a tar header each

  std::vector<std::vector<LayerEntry>> failing = layers;
  failing[2].push_back(LayerEntry{"/missing", EntryKind::regular, 0644, {}, tmp / "missing", std::nullopt, 1, std::nullopt});
  CHECK_THROWS_WITH(write_layers_cached(references(failing), quick_options(), store), Catch::Matchers::Contains("missing"));
}

// The threads of this process now named `name`.
static int threads_named(const std::string& name) {
  int count = 0;
  for (const auto& task : fs::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string line;
    if (std::getline(comm, line) && line == name) ++count;
  }
  return count;
}

TEST_CASE("layer cache: a large layer written beside a small one compresses on every core", "[layer_cache]") {
  test::TempDir tmp;
  BlobStore store(tmp / "store");
  // A venv is often one large layer and a few small ones: the large one must
  // not be left with a share of the threads, compressing on its own writer's.
  std::vector<std::vector<LayerEntry>> layers = {
      {text_entry("/small.txt", "small")},
      {text_entry("/large.bin", std::string(std::size_t{20} << 20, 'x'))},
  };
  LayerOptions options = quick_options();
  options.threads = 2;
  int most = 0;
  options.progress = [&](std::uint64_t) { most = std::max(most, threads_named(ParallelGzipWriter::k_thread_name)); };
  const auto written = write_layers_cached(references(layers), options, store);
  REQUIRE(written.size() == 2);
  CHECK(most >= 2);
  // The bytes are those of one writer on one thread.
  LayerOptions one = quick_options();
  one.threads = 1;
  CHECK(written[1].blob.digest == write_layer(layers[1], one, BlobStore(tmp / "one")).blob.digest);
}

TEST_CASE("layer cache: entries whose text scan is pending are told whole, written or taken from the cache",
          "[layer_cache]") {
  test::TempDir tmp;
  write_file(tmp / "src/small.py", "HOME = '/old/venv'\n");
  // Above the read-ahead's usual size: a pending file is still read whole.
  write_file(tmp / "src/big.txt", std::string(200000, 'b') + "/old/venv");
  write_file(tmp / "src/not_pending.py", "X = 1\n");
  std::vector<LayerEntry> entries = {file_entry("/app/small.py", tmp / "src/small.py"),
                                     file_entry("/app/big.txt", tmp / "src/big.txt"),
                                     file_entry("/app/not_pending.py", tmp / "src/not_pending.py"),
                                     text_entry("/app/RECORD", "a.py,,\n")};
  for (LayerEntry& entry : entries) entry.text_scan_pending = entry.path != "/app/not_pending.py";
  let_sources_settle();
  BlobStore store(tmp / "cache");

  std::mutex told_mutex;
  std::map<std::string, std::string> told;
  LayerOptions options = quick_options();
  options.pending_text_scan = [&](const LayerEntry& entry, std::string_view bytes) {
    std::lock_guard lock(told_mutex);
    CHECK(told.emplace(entry.path, std::string(bytes)).second);
  };
  const std::map<std::string, std::string> expected = {
      {"/app/small.py", "HOME = '/old/venv'\n"},
      {"/app/big.txt", std::string(200000, 'b') + "/old/venv"},
      {"/app/RECORD", "a.py,,\n"}};

  bool reused = true;
  const Layer written = build(entries, options, store, reused);
  CHECK_FALSE(reused);
  CHECK(told == expected);

  // The same layer from the cache: no bytes written, the pending files still read.
  told.clear();
  const Layer cached = build(entries, options, store, reused);
  CHECK(reused);
  CHECK(cached.blob.digest == written.blob.digest);
  CHECK(told == expected);

  // Telling changes no byte of the layer.
  BlobStore untold(tmp / "untold");
  CHECK(build(entries, quick_options(), untold, reused).blob.digest == written.blob.digest);
}
