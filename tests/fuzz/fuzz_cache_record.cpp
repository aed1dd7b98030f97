// A registry cache record (docs/registry-cache.md), the one document
// --cache-from takes from a registry and keeps using: the input is the
// record's CBOR body, xz-compressed as --cache-to writes it and decoded as
// --cache-from reads it (and the raw input decoded as a record blob too).
// Each stage's outcome is then read as a lookup reads it, each --apt plan
// checked as a build checks it (against Releases that match what it says it
// was made from, so its packages are checked too), each base listing adopted
// into a store, and the record encoded again must decode to as many entries.
#include <cstdlib>
#include <fstream>

#include "build/load_base_image.h"
#include "build/registry_cache_record.h"
#include "build/venv_stage_record.h"
#include "debian/install_plan_json.h"
#include "fuzz_target.h"
#include "layer/layer_listing.h"
#include "store/blob_store.h"
#include "tar/xz_bytes.h"

using namespace venv2docker;

namespace {

std::filesystem::path written(const std::filesystem::path& file, std::string_view bytes) {
  std::ofstream(file, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return file;
}

// The Releases `plan` says it was made from, so that checking it reaches its packages.
std::vector<debian::SourceRelease> releases_named_by(const nlohmann::json& plan) {
  std::vector<debian::SourceRelease> releases;
  if (!plan.is_object() || !plan.contains("releases") || !plan["releases"].is_array()) return releases;
  for (const auto& item : plan["releases"]) {
    debian::SourceRelease release;
    if (item.is_object() && item.contains("uri") && item["uri"].is_string()) release.source.uri = item["uri"];
    if (item.is_object() && item.contains("suite") && item["suite"].is_string()) release.source.suite = item["suite"];
    if (item.is_object() && item.contains("date") && item["date"].is_number_integer()) {
      release.release.date = item["date"].get<std::time_t>();
    }
    releases.push_back(std::move(release));
  }
  return releases;
}

void use(const CacheRecord& record, const BlobStore& store) {
  static const ContentSelection contents = base_content_selection();
  for (const auto& [key, body] : record.stages) {
    (void)venv_stage_from_json(body, [](const Layer&) { return true; });
  }
  for (const auto& entry : record.apt_plans) {
    const nlohmann::json& plan = entry.second;  // a named reference: clang 14 cannot capture a structured binding
    fuzz::refusal_allowed([&] { (void)debian::install_plan_from_json(plan, releases_named_by(plan), "amd64", "the plan"); });
  }
  for (const auto& [digest, body] : record.listings) (void)adopt_listing_body(digest, body, contents, store);
  const std::string again = encode_cache_record(record);
  const CacheRecord decoded = decode_cache_record(written(fuzz::scratch_folder() / "again", again), "the record again");
  if (decoded.layers.size() != record.layers.size() || decoded.listings.size() != record.listings.size() ||
      decoded.stages.size() != record.stages.size() || decoded.apt.size() != record.apt.size() ||
      decoded.apt_plans.size() != record.apt_plans.size()) {
    std::abort();  // what was encoded must decode whole
  }
  // A runner recognises the record it read by its body: decoding must not change it.
  if (cache_record_body(decoded) != cache_record_body(record)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::filesystem::path root = fuzz::scratch_folder() / "store";
  const std::string_view input = fuzz::as_text(data, size);
  fuzz::refusal_allowed([&] {
    const BlobStore store(root);
    const auto blob = written(fuzz::scratch_folder() / "record", xz_compressed(input));
    use(decode_cache_record(blob, "the record"), store);
  });
  fuzz::refusal_allowed([&] {
    const BlobStore store(root);
    use(decode_cache_record(written(fuzz::scratch_folder() / "raw", input), "the raw record"), store);
  });
  std::error_code ignored;
  std::filesystem::remove_all(root, ignored);
  return 0;
}
