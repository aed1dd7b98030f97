// An archive's Release file (the signed text of InRelease): which index files
// the suite has, with their SHA-256 and size, so every index fetched later is
// checked against what the archive signed.
#pragma once

#include <cstdint>
#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "debian/pin_priority.h"

namespace venv2docker::debian {

struct IndexFile {
  std::string sha256;  // lower-case hex
  std::uint64_t size = 0;
};

struct ReleaseFile {
  std::string suite;
  std::string codename;
  /// When the archive made it (its Date field): a later Release of the same
  /// source may not be older.
  std::optional<std::time_t> date;
  /// "main/binary-amd64/Packages.xz" -> its hash and size.
  std::map<std::string, IndexFile> files;
  /// SHA-256 of the text it was read from: the suite's state, in one value.
  std::string text_sha256;
  /// The pin priority apt gives the suite's packages by default, from its
  /// NotAutomatic and ButAutomaticUpgrades fields (pin_priority.h).
  int pin_priority = k_pin_default;
};

/// Parses the (already verified) text. Throws Error naming `url` when it has
/// no SHA256 list, a malformed entry, an unreadable Date, or a Valid-Until in
/// the past (apt refuses such a Release: a replayed old one would hide
/// security updates).
ReleaseFile parse_release(std::string_view text, const std::string& url);

/// Whether a Release is the one of `suite`, by apt's rule (CheckDist): its
/// Suite or its Codename is `suite`, or, for a suite with a path
/// ("bookworm/updates"), the part before the last '/'.
bool release_is_for_suite(const ReleaseFile& release, std::string_view suite);

/// A Release date as these files write it ("Sat, 10 Jun 2023 08:56:49 UTC"),
/// for messages.
std::string format_release_date(std::time_t date);

}  // namespace venv2docker::debian
