// Stat-keyed CBOR records in the cache folder (the host interpreter's): a
// SourceStat as JSON, and reading and writing a record that is only an
// optimisation, so that a missing, damaged or unwritable one never fails a
// build.
#pragma once

#include <filesystem>
#include <optional>

#include <nlohmann/json.hpp>

#include "store/source_stat.h"

namespace venv2docker {

/// [size, mtime, ctime, inode, device], or null for std::nullopt.
nlohmann::json stat_json(const std::optional<SourceStat>& stat);
/// The inverse of stat_json; throws nlohmann::json::exception when malformed.
std::optional<SourceStat> stat_from_json(const nlohmann::json& value);

/// The record at `file` when it is readable CBOR, an object, and has "format" == `format`.
std::optional<nlohmann::json> read_stat_record(const std::filesystem::path& file, int format);
/// Writes `record` with "format" = `format` atomically (folders created); failures are ignored.
void write_stat_record(const std::filesystem::path& file, int format, nlohmann::json record);

}  // namespace venv2docker
