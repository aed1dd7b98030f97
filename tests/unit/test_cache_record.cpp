// The one cache-record format: a record reads back as written (bytes that are
// not UTF-8 included), and anything else at its path (another version,
// another kind, a torn or foreign file, one too large) is a miss, never an
// error and never a misread. Then the layer and listing records, read back
// by their owners and refused by them once older or foreign; the other kinds
// are checked so beside their owners' tests (stat caches, venv stage, .debs,
// install plans).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>

#include "cache_record_files.h"
#include "layer/layer_cache.h"
#include "layer/layer_listing.h"
#include "store/blob_store.h"
#include "store/cache_record.h"
#include "temp_dir.h"
#include "test_images.h"
#include "util/error.h"

using namespace venv2docker;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr CacheRecordKind k_sample{"sample", 7, 4096};

// Latin-1 and a stray continuation byte: not UTF-8, as host names may be.
const std::string k_not_utf8 = "caf\xE9/\x80name";

json sample_body() {
  return {{"name", cache_bytes(k_not_utf8)},
          {"names", cache_bytes_list({"a", k_not_utf8, ""})},
          {"stat", stat_json(SourceStat{1, 2, 3, 4, 5})},
          {"count", 42}};
}

}  // namespace

TEST_CASE("cache record: a record reads back as written, bytes byte for byte", "[cache_record]") {
  test::TempDir tmp;
  const fs::path file = cache_record_path(tmp.path(), "samples", sha256_of("key"));
  CHECK(file == tmp.path() / "samples" / (std::string(sha256_of("key").hex()) + ".cbor"));
  CHECK_FALSE(read_cache_record(file, k_sample));

  REQUIRE(write_cache_record(file, k_sample, sample_body()));
  const std::optional<json> body = read_cache_record(file, k_sample);
  REQUIRE(body);
  CHECK(*body == sample_body());
  CHECK(bytes_from_cache(body->at("name")) == k_not_utf8);
  CHECK(bytes_list_from_cache(body->at("names")) == std::vector<std::string>{"a", k_not_utf8, ""});
  CHECK(stat_from_json(body->at("stat")) == SourceStat{1, 2, 3, 4, 5});
  CHECK_FALSE(stat_from_json(stat_json(std::nullopt)));
  CHECK_THROWS_AS(bytes_from_cache(body->at("count")), json::exception);

  // The whole file is one CBOR map with the kind and version in the clear.
  const json record = json::from_cbor(test::read_bytes(file));
  CHECK(record.at("kind") == "sample");
  CHECK(record.at("version") == 7);
  CHECK(record.at("body") == sample_body());
}

TEST_CASE("cache record: another version or another kind is a miss, and the file is left alone", "[cache_record]") {
  test::TempDir tmp;
  const fs::path file = tmp / "record.cbor";
  REQUIRE(write_cache_record(file, k_sample, sample_body()));
  const std::string written = test::read_bytes(file);

  CHECK_FALSE(read_cache_record(file, CacheRecordKind{"sample", 8, 4096}));  // newer code
  CHECK_FALSE(read_cache_record(file, CacheRecordKind{"sample", 6, 4096}));  // older code
  CHECK_FALSE(read_cache_record(file, CacheRecordKind{"other", 7, 4096}));
  CHECK_FALSE(read_cache_record(file, CacheRecordKind{"sampl", 7, 4096}));
  CHECK(test::read_bytes(file) == written);
  CHECK(read_cache_record(file, k_sample));

  test::make_record_older(file);
  CHECK_FALSE(read_cache_record(file, k_sample));
  REQUIRE(write_cache_record(file, k_sample, sample_body()));
  test::make_record_foreign(file);
  CHECK_FALSE(read_cache_record(file, k_sample));
  // A version that is not a plain count.
  test::edit_cache_record(file, [](json& record) {
    record["kind"] = "sample";
    record["version"] = "7";
  });
  CHECK_FALSE(read_cache_record(file, k_sample));
}

TEST_CASE("cache record: a torn, foreign or oversized file is a miss", "[cache_record]") {
  test::TempDir tmp;
  const fs::path file = tmp / "record.cbor";
  REQUIRE(write_cache_record(file, k_sample, sample_body()));
  const std::string whole = test::read_bytes(file);
  for (std::size_t size = 0; size < whole.size(); ++size) {
    INFO("the first " << size << " bytes");
    test::write_bytes(file, whole.substr(0, size));
    CHECK_FALSE(read_cache_record(file, k_sample));
  }
  // Whole, then with bytes after it.
  test::write_bytes(file, whole);
  CHECK(read_cache_record(file, k_sample));
  test::write_bytes(file, whole + "x");
  CHECK_FALSE(read_cache_record(file, k_sample));

  // What the cache held before there was one format: JSON text, a flat
  // binary memo, CBOR without the header.
  for (const std::string& foreign :
       {std::string(R"({"format":2,"digest":"sha256:00"})"), std::string("venv2docker file-stat-memo 3\n\x05\0\0\0", 33),
        std::string("\xFF\xFE garbage \x00\x01", 14)}) {
    test::write_bytes(file, foreign);
    CHECK_FALSE(read_cache_record(file, k_sample));
  }
  const std::vector<std::uint8_t> headerless = json::to_cbor(json{{"format", 7}, {"entries", json::array()}});
  test::write_bytes(file, std::string(headerless.begin(), headerless.end()));
  CHECK_FALSE(read_cache_record(file, k_sample));
  // A map and an array declaring more items than any memory holds (nlohmann's
  // parser throws for these even when told not to).
  for (const std::string& huge : {std::string("\xbb\x1e\x72\x4a\x5b\x00\x00\x00\x00", 9),
                                  std::string("\xa1\x61k\x9b\x7f\xff\xff\xff\xff\xff\xff\xff", 12)}) {
    test::write_bytes(file, huge);
    CHECK_FALSE(read_cache_record(file, k_sample));
    CHECK_FALSE(parse_cbor(huge));
  }
  // Arrays nested far deeper than any record (the reader recurses per level):
  // refused, not a stack overflow; nesting as deep as a record's is read.
  const std::string nested = std::string(200000, '\x81') + "\xf6";
  test::write_bytes(file, nested);
  CHECK_FALSE(read_cache_record(file, k_sample));
  CHECK_FALSE(parse_cbor(nested));
  CHECK(parse_cbor(std::string(20, '\x81') + "\xf6"));
  const std::vector<std::uint8_t> no_body = json::to_cbor(json{{"kind", "sample"}, {"version", 7}, {"bodies", 1}});
  test::write_bytes(file, std::string(no_body.begin(), no_body.end()));
  CHECK_FALSE(read_cache_record(file, k_sample));

  // Larger than any record of its kind: not read at all.
  REQUIRE(write_cache_record(file, k_sample, json{{"text", std::string(5000, 'x')}}));
  CHECK_FALSE(read_cache_record(file, k_sample));
  CHECK(read_cache_record(file, CacheRecordKind{"sample", 7, 8192}));

  fs::create_directories(tmp / "folder.cbor");
  CHECK_FALSE(read_cache_record(tmp / "folder.cbor", k_sample));
}

TEST_CASE("cache record: a cache that refuses the write is no error", "[cache_record]") {
  test::TempDir tmp;
  test::write_bytes(tmp / "not-a-folder", "x");
  CHECK_FALSE(write_cache_record(tmp / "not-a-folder" / "record.cbor", k_sample, sample_body()));
  CHECK_FALSE(read_cache_record(tmp / "not-a-folder" / "record.cbor", k_sample));
}

TEST_CASE("cache record kinds: a layer record is found again, and refused once older or foreign", "[cache_record]") {
  test::TempDir tmp;
  BlobStore store(tmp / "cache");
  const Digest blob = store.put("layer bytes");
  const Layer layer{Descriptor{"application/vnd.oci.image.layer.v1.tar+gzip", blob, 11, {}, std::nullopt},
                    sha256_of("tar bytes")};
  const Digest key = sha256_of("layer key");
  record_cached_layer(key, layer, store);
  REQUIRE(fs::exists(layer_record_path(key, store)));
  std::optional<Layer> found = find_cached_layer(key, store);
  REQUIRE(found);
  CHECK(found->blob.digest == blob);
  CHECK(found->blob.size == 11);
  CHECK(found->blob.media_type == layer.blob.media_type);
  CHECK(found->diff_id == layer.diff_id);

  test::make_record_older(layer_record_path(key, store));
  CHECK_FALSE(find_cached_layer(key, store));
  record_cached_layer(key, layer, store);
  test::make_record_foreign(layer_record_path(key, store));
  CHECK_FALSE(find_cached_layer(key, store));
}

TEST_CASE("cache record kinds: a layer listing reads back from the cache alone, and is read again once older",
          "[cache_record]") {
  test::TempDir tmp;
  BlobStore store(tmp / "cache");
  const Image image = test::make_image(store, tmp / "scratch", "hello");
  const Digest digest = image.layers.at(0).blob.digest;
  const ContentSelection contents({"/app/*"});
  const LayerListing scanned = read_layer_listing(digest, contents, store);
  REQUIRE_FALSE(scanned.empty());
  const std::vector<fs::path> records = test::cache_records_under(tmp / "cache" / "listings");
  REQUIRE(records.size() == 1);

  // Without its blob, only the record can answer.
  const std::string blob = test::read_bytes(store.path_of(digest));
  fs::remove(store.path_of(digest));
  const LayerListing cached = read_layer_listing(digest, contents, store);
  REQUIRE(cached.size() == scanned.size());
  for (std::size_t i = 0; i < cached.size(); ++i) {
    CHECK(cached[i].first == scanned[i].first);
    CHECK(cached[i].second.kind == scanned[i].second.kind);
    CHECK(cached[i].second.mode == scanned[i].second.mode);
    CHECK(cached[i].second.size == scanned[i].second.size);
    CHECK(cached[i].second.content == scanned[i].second.content);
  }
  CHECK(std::any_of(cached.begin(), cached.end(), [](const auto& entry) { return entry.second.content.has_value(); }));
  // A record made for another selection does not answer for this one.
  CHECK_THROWS_AS(read_layer_listing(digest, ContentSelection({"/etc/*"}), store), Error);

  // Older or foreign, the record is refused and the layer read again.
  test::make_record_older(records[0]);
  CHECK_THROWS_AS(read_layer_listing(digest, contents, store), Error);
  test::write_bytes(store.path_of(digest), blob);
  CHECK(read_layer_listing(digest, contents, store).size() == scanned.size());
  test::make_record_foreign(records[0]);
  fs::remove(store.path_of(digest));
  CHECK_THROWS_AS(read_layer_listing(digest, contents, store), Error);
}
