#include "store/source_stat.h"

#include <sys/sysmacros.h>

#include <ctime>

namespace venv2docker {

namespace {

std::int64_t nanoseconds(const struct timespec& time) {
  return static_cast<std::int64_t>(time.tv_sec) * 1000000000 + time.tv_nsec;
}

}  // namespace

SourceStat source_stat_of(const struct stat& info) {
  return SourceStat{static_cast<std::uint64_t>(info.st_size), nanoseconds(info.st_mtim), nanoseconds(info.st_ctim),
                    static_cast<std::uint64_t>(info.st_ino), static_cast<std::uint64_t>(info.st_dev)};
}

SourceStat source_stat_of(const struct statx& info) {
  const auto nanoseconds_of = [](const struct statx_timestamp& time) {
    return static_cast<std::int64_t>(time.tv_sec) * 1000000000 + time.tv_nsec;
  };
  return SourceStat{info.stx_size, nanoseconds_of(info.stx_mtime), nanoseconds_of(info.stx_ctime), info.stx_ino,
                    static_cast<std::uint64_t>(makedev(info.stx_dev_major, info.stx_dev_minor))};
}

std::optional<SourceStat> lstat_source(const std::filesystem::path& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) return std::nullopt;
  return source_stat_of(info);
}

bool changed_since(const SourceStat& stat, std::int64_t not_before_ns) {
  return stat.mtime_ns >= not_before_ns || stat.ctime_ns >= not_before_ns;
}

std::int64_t nanoseconds_ago(unsigned seconds) {
  struct timespec now {};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return nanoseconds(now) - std::int64_t{seconds} * 1000000000;
}

}  // namespace venv2docker
