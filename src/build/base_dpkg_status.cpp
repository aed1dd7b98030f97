#include "build/base_dpkg_status.h"

#include <cstddef>

#include "debian/dpkg_database.h"
#include "store/cache_record.h"

namespace venv2docker {

namespace {

// Far above any distribution's status file; a larger record is a miss, and
// the base is read.
constexpr CacheRecordKind k_base_dpkg_status{"base-dpkg-status", 1, std::size_t{64} << 20};

}  // namespace

std::optional<std::string> base_dpkg_status(const Image& base, const std::function<const FileIndex&()>& base_files,
                                            const BlobStore& store) {
  const auto file = cache_record_path(store.root(), "base-dpkg-status", base.manifest_digest());
  if (const std::optional<nlohmann::json> body = read_cache_record(file, k_base_dpkg_status)) {
    try {
      const nlohmann::json& status = body->at("status");
      if (status.is_null()) return std::nullopt;
      return bytes_from_cache(status);
    } catch (const nlohmann::json::exception&) {
      // Another shape: a miss, read from the base below.
    }
  }
  std::optional<std::string> status;
  const IndexedFile* found = base_files().find(debian::k_dpkg_status_path);
  if (found && found->content) status = found->content;
  write_cache_record(file, k_base_dpkg_status,
                     nlohmann::json{{"status", status ? cache_bytes(*status) : nlohmann::json(nullptr)}});
  return status;
}

}  // namespace venv2docker
