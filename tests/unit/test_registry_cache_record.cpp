// The registry cache's record: what one runner encodes another decodes, and a
// record that is not one (another media type, an invalid digest, another
// version, bytes that are not xz or not CBOR) is an Error naming it, which
// build/registry_cache.h turns into a warning.
#include <catch2/catch.hpp>

#include <fstream>

#include "build/registry_cache_record.h"
#include "store/cache_record.h"
#include "tar/xz_bytes.h"
#include "temp_dir.h"
#include "util/error.h"

using namespace venv2docker;
using nlohmann::json;

namespace {

Digest digest_of(const std::string& text) { return sha256_of(text); }

SharedLayer layer(const std::string& name, std::string media_type = "application/vnd.oci.image.layer.v1.tar+gzip",
                  std::vector<std::string> warnings = {}) {
  return {Layer{Descriptor{std::move(media_type), digest_of(name + " blob"), 1234, {}, {}}, digest_of(name + " tar")},
          std::move(warnings)};
}

std::string record_of(const json& body) {
  const std::vector<std::uint8_t> cbor = json::to_cbor(body);
  return xz_compressed(std::string(cbor.begin(), cbor.end()));
}

json valid_body() {
  return {{"version", 4},
          {"layers", json::array({json::array({digest_of("key").str(), "application/vnd.oci.image.layer.v1.tar+gzip",
                                               digest_of("blob").str(), 10, digest_of("tar").str(),
                                               json::array({"a warning"})})})},
          {"listings", json::array()},
          {"stages", json::array()},
          {"apt", json::array()},
          {"apt_plans", json::array()}};
}

struct BlobFile {
  test::TempDir dir;
  std::filesystem::path write(const std::string& bytes) {
    const std::filesystem::path file = dir.path() / "blob";
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
    return file;
  }
};

}  // namespace

TEST_CASE("registry cache record: encoded and decoded, byte strings kept", "[registry_cache]") {
  CacheRecord record;
  record.layers.emplace_back(digest_of("key a"), layer("a"));
  record.layers.emplace_back(digest_of("key b"), layer("b", "application/vnd.docker.image.rootfs.diff.tar.gzip",
                                                       {"not run: the postinst of b", "caf\u00e9"}));
  const json listing = {{"contents", cache_bytes_list({"/etc/apt/**"})},
                        {"entries", json::array({json::array({cache_bytes("etc/\xff"), 0, cache_bytes(""), 0, 0755,
                                                              nullptr})})}};
  record.listings.emplace_back(digest_of("base layer"), listing);
  const json stage = {{"layers", json::array()}, {"venv_elf_files", cache_bytes_list({"/v/\xfe.so"})}};
  record.stages.emplace_back(digest_of("stage key"), stage);
  const json apt = {{"libraries", {{"libblas.so.3", "libblas3"}}}, {"distributions", json::object()}};
  record.apt.emplace_back(digest_of("apt key"), apt);
  const json plan = {{"packages", json::array()}, {"releases", json::array({{{"uri", "http://x"}, {"date", 1}}})}};
  record.apt_plans.emplace_back(digest_of("plan key"), plan);

  const std::string blob = encode_cache_record(record);
  CHECK(encode_cache_record(record) == blob);  // the same record, the same bytes: a re-push uploads nothing
  BlobFile file;
  const CacheRecord back = decode_cache_record(file.write(blob), "the record");
  // A decoded record has the body it was made from: a runner that found all it
  // needed in a record recognises it and writes back the blob it read.
  CHECK(cache_record_body(back) == cache_record_body(record));
  REQUIRE(back.layers.size() == 2);
  CHECK(back.layers[0].first == digest_of("key a"));
  CHECK(back.layers[0].second.layer.blob.digest == layer("a").layer.blob.digest);
  CHECK(back.layers[0].second.layer.blob.size == 1234);
  CHECK(back.layers[0].second.layer.diff_id == layer("a").layer.diff_id);
  CHECK(back.layers[0].second.warnings.empty());
  CHECK(back.layers[1].second.layer.blob.media_type == "application/vnd.docker.image.rootfs.diff.tar.gzip");
  CHECK(back.layers[1].second.warnings == std::vector<std::string>{"not run: the postinst of b", "caf\u00e9"});
  REQUIRE(back.listings.size() == 1);
  CHECK(back.listings[0].first == digest_of("base layer"));
  CHECK(back.listings[0].second == listing);
  REQUIRE(back.stages.size() == 1);
  CHECK(back.stages[0].first == digest_of("stage key"));
  CHECK(back.stages[0].second == stage);
  REQUIRE(back.apt.size() == 1);
  CHECK(back.apt[0].second == apt);
  REQUIRE(back.apt_plans.size() == 1);
  CHECK(back.apt_plans[0].first == digest_of("plan key"));
  CHECK(back.apt_plans[0].second == plan);
  CHECK(decode_cache_record(file.write(record_of(valid_body())), "the record").layers.size() == 1);
}

TEST_CASE("registry cache record: a layer's warnings are kept as one line of printable text each", "[registry_cache]") {
  SharedLayers shared(true);
  const std::string long_one(10000, 'x');
  std::vector<std::string> warnings = {"caf\u00e9 .wh.x", "a\nb\x1b[31m\xff", long_one};
  for (int i = 0; i < 300; ++i) warnings.push_back("w");
  shared.learn(digest_of("key"), layer("a").layer, warnings);
  const std::vector<std::string> kept = shared.learned().at(digest_of("key")).warnings;
  REQUIRE(kept.size() == k_max_shared_layer_warnings);
  CHECK(kept[0] == "caf\u00e9 .wh.x");
  CHECK(kept[1] == "a\\x0ab\\x1b[31m\\xff");
  CHECK(kept[2].size() <= k_max_shared_layer_warning);
  CHECK(kept[2].compare(0, 100, long_one, 0, 100) == 0);
  // What this build records, the next one reads.
  for (const std::string& text : kept) CHECK(is_shared_warning_text(text));
  CacheRecord record;
  record.layers.emplace_back(digest_of("key"), shared.learned().at(digest_of("key")));
  BlobFile file;
  CHECK(decode_cache_record(file.write(encode_cache_record(record)), "the record").layers[0].second.warnings == kept);
}

TEST_CASE("registry cache record: what is not a record is an Error naming it", "[registry_cache]") {
  BlobFile file;
  auto refused = [&](const std::string& blob, const std::string& says) {
    CHECK_THROWS_WITH(decode_cache_record(file.write(blob), "the cache record of r/x:main"),
                      Catch::Contains("the cache record of r/x:main") && Catch::Contains(says));
  };
  json body = valid_body();
  body["layers"][0][1] = "application/vnd.oci.image.config.v1+json";
  refused(record_of(body), "media type application/vnd.oci.image.config.v1+json");
  body = valid_body();
  body["layers"][0][2] = "sha256:../../etc/passwd";
  refused(record_of(body), "invalid digest");
  body = valid_body();
  body["layers"][0].erase(4);
  refused(record_of(body), "shape");
  body = valid_body();
  body["version"] = 1;  // without the venv stages: refused, not read as a record with none
  refused(record_of(body), "another version");
  body = valid_body();
  body["version"] = 2;  // without the --apt plans: refused, not read as a record with none
  refused(record_of(body), "another version");
  body = valid_body();
  body["version"] = 3;  // without the layers' warnings: refused, not read as layers that gave none
  refused(record_of(body), "another version");
  body = valid_body();
  body["layers"][0].erase(5);
  refused(record_of(body), "shape");
  body = valid_body();
  body["layers"][0][5] = json::array({"\x1b]0;t\xff"});
  refused(record_of(body), "not one line of printable text");
  body = valid_body();
  body["layers"][0][5] = json::array({"venv2docker: warning: one\nvenv2docker: warning: forged"});
  refused(record_of(body), "not one line of printable text");
  body = valid_body();
  body["layers"][0][5] = json::array({std::string(k_max_shared_layer_warning + 1, 'w')});
  refused(record_of(body), "not one line of printable text");
  body = valid_body();
  body["layers"][0][5] = json::array();
  for (std::size_t i = 0; i <= k_max_shared_layer_warnings; ++i) body["layers"][0][5].push_back("w");
  refused(record_of(body), "too many warnings");
  body = valid_body();
  body["apt_plans"] = json::array({json::array({"sha256:zz", json::object()})});
  refused(record_of(body), "invalid digest");
  body = valid_body();
  body["stages"] = json::array({json::array({"sha256:zz", json::object()})});
  refused(record_of(body), "invalid digest");
  body = valid_body();
  body.erase("listings");
  refused(record_of(body), "shape");
  refused(xz_compressed("\xff\xff not cbor"), "CBOR");
  refused(xz_compressed(std::string("\xa1\x66layers\xbb\x1e\x72\x4a\x5b\x00\x00\x00\x00", 17)), "CBOR");
  refused(xz_compressed(std::string(500000, '\x9f')), "CBOR");  // nested deeper than the stack holds
  std::string truncated = record_of(valid_body());
  truncated.resize(truncated.size() / 2);
  refused(truncated, "the cache record of r/x:main");
}
