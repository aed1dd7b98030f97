#include "store/stat_record.h"

#include <fstream>
#include <sstream>

#include "util/atomic_file.h"
#include "util/error.h"

namespace venv2docker {

namespace fs = std::filesystem;
using nlohmann::json;

json stat_json(const std::optional<SourceStat>& stat) {
  if (!stat) return nullptr;
  return {stat->size, stat->mtime_ns, stat->ctime_ns, stat->inode, stat->device};
}

std::optional<SourceStat> stat_from_json(const json& value) {
  if (value.is_null()) return std::nullopt;
  return SourceStat{value.at(0).get<std::uint64_t>(), value.at(1).get<std::int64_t>(),
                    value.at(2).get<std::int64_t>(), value.at(3).get<std::uint64_t>(),
                    value.at(4).get<std::uint64_t>()};
}

std::optional<json> read_stat_record(const fs::path& file, int format) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  json record = json::from_cbor(bytes.str(), true, false);
  if (record.is_discarded() || !record.is_object() || record.value("format", 0) != format) return std::nullopt;
  return record;
}

void write_stat_record(const fs::path& file, int format, json record) {
  record["format"] = format;
  const auto bytes = json::to_cbor(record);
  std::error_code ignored;
  fs::create_directories(file.parent_path(), ignored);
  try {
    write_file_atomically(file, std::string(bytes.begin(), bytes.end()));
  } catch (const Error&) {
    // Only an optimisation: a read-only cache must not fail the build.
  }
}

}  // namespace venv2docker
