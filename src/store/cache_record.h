// The one format of every record the cache keeps beside its blobs (layers,
// listings, venv stages, memos, interpreters, apt plans, unpacked .debs):
// a CBOR map {"kind": <name>, "version": <n>, "body": <the record>}.
//
// Records are only an optimisation, so reading one never fails a build: a
// missing, oversized, truncated or undecodable file, a record of another kind
// and a record of another version all read as a miss, and the caller
// computes the answer again. Each kind's version is bumped whenever its body's
// content or meaning changes, so older code's records are refused, never
// misread. Writes are atomic (util/atomic_file), so a record appears whole or
// not at all, and concurrent runs may race to write the same one.
//
// Host paths, names and file contents are bytes that need not be UTF-8: they
// go into a body as CBOR byte strings (cache_bytes), never as text.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/digest.h"
#include "store/source_stat.h"

namespace venv2docker {

struct CacheRecordKind {
  /// Written into every record of this kind ("layer", "venv-stage", ...).
  std::string_view name;
  /// Bumped whenever the body's content or meaning changes.
  std::uint64_t version;
  /// A larger file is not a record of this kind.
  std::size_t max_size;
};

/// <cache_root>/<folder>/<key hex>.cbor: where a record keyed by `key` lives.
std::filesystem::path cache_record_path(const std::filesystem::path& cache_root, std::string_view folder,
                                        const Digest& key);

/// The body of the record at `file`, when it is a whole record of `kind` at
/// its version; std::nullopt otherwise (never an error).
std::optional<nlohmann::json> read_cache_record(const std::filesystem::path& file, const CacheRecordKind& kind);

/// Writes `body` as a record of `kind` at `file` atomically, creating its
/// folder. Returns false (and leaves nothing behind) when the cache refuses
/// it: a read-only or full cache never fails a build. `body` is taken by
/// value so that a large one, moved in, is not copied into the record.
bool write_cache_record(const std::filesystem::path& file, const CacheRecordKind& kind, nlohmann::json body);

/// `bytes` decoded as one CBOR item, or std::nullopt when they are not one or
/// nest deeper than any record does. The one way a CBOR document is read:
/// nlohmann's parser, told not to throw, still throws for a map or array whose
/// declared size no memory could hold, and recurses once per level of nesting.
std::optional<nlohmann::json> parse_cbor(std::string_view bytes);

/// `bytes` as a CBOR byte string.
nlohmann::json cache_bytes(std::string_view bytes);
/// The bytes of a CBOR byte string; throws nlohmann::json::exception when
/// `value` is not one (the caller's record is then a miss).
std::string bytes_from_cache(const nlohmann::json& value);
/// A list of byte strings, and back (which throws as bytes_from_cache does).
nlohmann::json cache_bytes_list(const std::vector<std::string>& list);
std::vector<std::string> bytes_list_from_cache(const nlohmann::json& value);

/// [size, mtime, ctime, inode, device], or null for std::nullopt.
nlohmann::json stat_json(const std::optional<SourceStat>& stat);
/// The inverse of stat_json; throws nlohmann::json::exception when malformed.
std::optional<SourceStat> stat_from_json(const nlohmann::json& value);

}  // namespace venv2docker
