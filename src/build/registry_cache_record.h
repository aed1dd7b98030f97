// The registry cache's record (docs/registry-cache.md): the layers this
// build's inputs made, by content key, the base layers' listings, by layer
// digest, the venv stages' outcomes, by content key, and the apt suggestions
// and --apt plans, by a key of the signed Releases. One blob: CBOR, xz-compressed (listings are large and
// repetitive, and every fresh runner downloads the record). Pure encoding and decoding; build/registry_cache.h moves it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "image/image.h"
#include "layer/shared_layers.h"
#include "store/digest.h"

namespace venv2docker {

/// The artifact's type and its record blob's media type.
inline constexpr std::string_view k_cache_artifact_type = "application/vnd.venv2docker.cache.v1+json";
inline constexpr std::string_view k_cache_record_media_type = "application/vnd.venv2docker.cache.record.v1.cbor+xz";

/// The largest record blob read back, and the most it may inflate to: a base
/// of 100k files lists in a few MiB; the bounds keep a hostile record small.
inline constexpr std::uint64_t k_max_cache_record = std::uint64_t{64} << 20;
inline constexpr std::uint64_t k_max_cache_record_inflated = std::uint64_t{512} << 20;

struct CacheRecord {
  /// content_layer_key() (or the --apt plan's layer key) → the layer it
  /// made, with what making it warned of.
  std::vector<std::pair<Digest, SharedLayer>> layers;
  /// A base layer's digest → its listing's cache body (layer/layer_listing.h).
  std::vector<std::pair<Digest, nlohmann::json>> listings;
  /// venv_stage_content_key() → the venv stage's outcome (venv_stage_json();
  /// its interpreter key is interpreter_content_key()), checked when used.
  std::vector<std::pair<Digest, nlohmann::json>> stages;
  /// AptArchives::answers_key() → which packages provide what the checks
  /// found missing (build/apt_suggestions.h), checked when used.
  std::vector<std::pair<Digest, nlohmann::json>> apt;
  /// debian::install_plan_key() → the resolved --apt plan, with the Date of
  /// each Release it was made from (debian/install_plan_json.h), checked when used.
  std::vector<std::pair<Digest, nlohmann::json>> apt_plans;
};

/// The record's body: CBOR, the same bytes for the same record, whoever
/// made it and whether it was decoded from a blob or built.
std::string cache_record_body(const CacheRecord& record);

/// The record's blob: its body, xz-compressed.
std::string encode_cache_record(const CacheRecord& record);

/// The record in the file `blob`. Throws Error naming `where` when it is not
/// one xz (or other compressed) stream inflating within
/// k_max_cache_record_inflated, is not CBOR, or is not of the record's shape
/// (every digest valid, every layer of a gzip layer media type, its warnings
/// as SharedLayers::learn keeps them).
CacheRecord decode_cache_record(const std::filesystem::path& blob, const std::string& where);

}  // namespace venv2docker
