#include "build/registry_cache_record.h"

#include "image/media_types.h"
#include "store/cache_record.h"
#include "tar/archive_reader.h"
#include "tar/xz_bytes.h"
#include "util/error.h"

namespace venv2docker {

using nlohmann::json;

namespace {

// Bumped when the body's content or meaning changes: older records are refused.
constexpr std::uint64_t k_record_version = 4;
bool is_gzip_layer_type(const std::string& type) {
  return type == gzip_layer_media_type(MediaFamily::oci) || type == gzip_layer_media_type(MediaFamily::docker);
}

Digest digest_from(const json& value, const std::string& where) {
  std::optional<Digest> digest = Digest::parse(value.get<std::string>());
  if (!digest) throw Error(where + " holds an invalid digest");
  return *digest;
}

}  // namespace

std::string cache_record_body(const CacheRecord& record) {
  json layers = json::array();
  for (const auto& [key, shared] : record.layers) {
    const Layer& layer = shared.layer;
    layers.push_back({key.str(), layer.blob.media_type, layer.blob.digest.str(), layer.blob.size, layer.diff_id.str(),
                      shared.warnings});
  }
  json listings = json::array();
  for (const auto& [digest, body] : record.listings) listings.push_back({digest.str(), body});
  json stages = json::array();
  for (const auto& [key, stage] : record.stages) stages.push_back({key.str(), stage});
  json apt = json::array();
  for (const auto& [key, answers] : record.apt) apt.push_back({key.str(), answers});
  json apt_plans = json::array();
  for (const auto& [key, plan] : record.apt_plans) apt_plans.push_back({key.str(), plan});
  const json body = {{"version", k_record_version}, {"layers", layers}, {"listings", listings}, {"stages", stages},
                     {"apt", apt}, {"apt_plans", apt_plans}};
  const std::vector<std::uint8_t> cbor = json::to_cbor(body);
  return std::string(reinterpret_cast<const char*>(cbor.data()), cbor.size());
}

std::string encode_cache_record(const CacheRecord& record) { return xz_compressed(cache_record_body(record)); }

CacheRecord decode_cache_record(const std::filesystem::path& blob, const std::string& where) {
  ArchiveReader reader(blob, ArchiveFormat::raw, where);
  if (!reader.next()) throw Error(where + " is empty");
  // Streamed and stopped past the bound: what the record's size says is not trusted.
  const std::string cbor = reader.read_all(k_max_cache_record_inflated, where);
  const std::optional<json> parsed = parse_cbor(cbor);
  if (!parsed) throw Error(where + " is not CBOR");
  const json& body = *parsed;
  try {
    if (body.at("version").get<std::uint64_t>() != k_record_version) {
      throw Error(where + " is of another version of venv2docker's cache record",
                  "let this version's --cache-to write it again");
    }
    CacheRecord record;
    for (const json& item : body.at("layers").get_ref<const json::array_t&>()) {
      const std::string media_type = item.at(1).get<std::string>();
      if (!is_gzip_layer_type(media_type)) throw Error(where + " names a layer of media type " + media_type);
      const Descriptor blob{media_type, digest_from(item.at(2), where), item.at(3).get<std::uint64_t>(), {}, {}};
      SharedLayer layer{Layer{blob, digest_from(item.at(4), where)}, {}};
      const json::array_t& warnings = item.at(5).get_ref<const json::array_t&>();
      if (warnings.size() > k_max_shared_layer_warnings) throw Error(where + " holds too many warnings for a layer");
      for (const json& warning : warnings) {
        // Printed and put in --json as they are, so only as this build would
        // have recorded them: one line of printable UTF-8 each, not too long.
        const std::string& text = warning.get_ref<const std::string&>();
        if (!is_shared_warning_text(text)) {
          throw Error(where + " holds a warning that is not one line of printable text");
        }
        layer.warnings.push_back(text);
      }
      record.layers.emplace_back(digest_from(item.at(0), where), std::move(layer));
    }
    for (const json& item : body.at("listings").get_ref<const json::array_t&>()) {
      record.listings.emplace_back(digest_from(item.at(0), where), item.at(1));
    }
    for (const json& item : body.at("stages").get_ref<const json::array_t&>()) {
      record.stages.emplace_back(digest_from(item.at(0), where), item.at(1));
    }
    for (const json& item : body.at("apt").get_ref<const json::array_t&>()) {
      record.apt.emplace_back(digest_from(item.at(0), where), item.at(1));
    }
    for (const json& item : body.at("apt_plans").get_ref<const json::array_t&>()) {
      record.apt_plans.emplace_back(digest_from(item.at(0), where), item.at(1));
    }
    return record;
  } catch (const json::exception& error) {
    throw Error(where + " is not of the cache record's shape: " + error.what());
  }
}

}  // namespace venv2docker
