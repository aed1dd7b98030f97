// What a rebuild compares to decide that a host file has not changed since it
// was last read: size, mtime, ctime, inode and device (ccache's direct mode
// compares the same). ctime catches edits that restore an old mtime.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <optional>

namespace venv2docker {

/// Seconds a source must have stayed unchanged before anything keyed by its
/// stat is recorded (a cached layer, a memo): a file changed again within the
/// same timestamp tick as the one we stat'ed would keep its stat, and the
/// record would then describe stale bytes.
inline constexpr unsigned k_settle_seconds = 2;

struct SourceStat {
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;
  std::uint64_t inode = 0;
  std::uint64_t device = 0;
  bool operator==(const SourceStat&) const = default;
};

/// The fields of a stat result.
SourceStat source_stat_of(const struct stat& info);

/// The statx fields a SourceStat holds (and the file's type and mode), as a
/// walk asks for them: nothing more is filled in.
inline constexpr unsigned k_source_statx_mask =
    STATX_TYPE | STATX_MODE | STATX_SIZE | STATX_MTIME | STATX_CTIME | STATX_INO;

/// The fields of a statx result that holds k_source_statx_mask.
SourceStat source_stat_of(const struct statx& info);

/// lstat of `path`; std::nullopt when it cannot be read.
std::optional<SourceStat> lstat_source(const std::filesystem::path& path);

/// True when the file was modified (or its inode changed) at or after
/// `not_before_ns`: a file touched that recently may still change within the
/// same timestamp tick, so nothing keyed by its stat should be recorded.
bool changed_since(const SourceStat& stat, std::int64_t not_before_ns);

/// Now minus `seconds`, in the nanoseconds of SourceStat's times.
std::int64_t nanoseconds_ago(unsigned seconds);

}  // namespace venv2docker
