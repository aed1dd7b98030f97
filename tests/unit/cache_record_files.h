// Test helpers that edit cache records on disk, as older code or another
// kind of record would have left them, to check that every reader refuses
// them as a miss.
#pragma once

#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "test_images.h"

namespace venv2docker::test {

/// Every cache record (a *.cbor file) under `folder`, in name order.
inline std::vector<std::filesystem::path> cache_records_under(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> records;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(folder)) {
    if (entry.is_regular_file() && entry.path().extension() == ".cbor") records.push_back(entry.path());
  }
  std::sort(records.begin(), records.end());
  return records;
}

/// Rewrites the record at `file` with `edit` applied to its whole CBOR map
/// ("kind", "version", "body").
inline void edit_cache_record(const std::filesystem::path& file, const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json record = nlohmann::json::from_cbor(read_bytes(file));
  REQUIRE(record.is_object());
  REQUIRE(record.contains("version"));
  edit(record);
  const std::vector<std::uint8_t> bytes = nlohmann::json::to_cbor(record);
  write_bytes(file, std::string(bytes.begin(), bytes.end()));
}

/// The record as the code before its last version bump would have written it.
inline void make_record_older(const std::filesystem::path& file) {
  edit_cache_record(file, [](nlohmann::json& record) { record["version"] = record["version"].get<std::uint64_t>() - 1; });
}

/// The record relabelled as another kind of record, body untouched.
inline void make_record_foreign(const std::filesystem::path& file) {
  edit_cache_record(file, [](nlohmann::json& record) { record["kind"] = "some-other-record"; });
}

}  // namespace venv2docker::test
