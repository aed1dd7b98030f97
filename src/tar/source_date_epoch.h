// The one timestamp of everything venv2docker writes: every member's mtime in
// every tar, and the image's `created`. Reproducible builds set it with
// SOURCE_DATE_EPOCH (https://reproducible-builds.org/specs/source-date-epoch/).
#pragma once

#include <cstdint>

namespace venv2docker {

/// When SOURCE_DATE_EPOCH is not given: 2000-01-01T00:00:00Z (not 1970, which
/// confuses people and some tools).
inline constexpr std::int64_t k_default_epoch = 946684800;

/// SOURCE_DATE_EPOCH from the environment, else k_default_epoch. Throws
/// UsageError when it is set but not a number of seconds.
std::int64_t source_date_epoch();

}  // namespace venv2docker
