// Debian package versions ([epoch:]upstream[-revision]) and their order, as
// Debian policy 5.6.12 defines it and dpkg and apt apply it.
#pragma once

#include <string_view>

namespace venv2docker::debian {

/// <0, 0 or >0 as version `a` sorts before, equal to or after `b`. "1.0" and
/// "0:1.0" are equal; '~' sorts before anything, even the end ("1.0~rc1" <
/// "1.0"); letters sort before other characters; digit runs compare as numbers.
int compare_versions(std::string_view a, std::string_view b);

/// Whether `version` is well formed: an optional all-digit epoch before the
/// first ':', a non-empty upstream part and, after the last '-', a non-empty
/// revision, using only the characters policy allows (letters, digits and
/// ".+~-:" where each may appear).
bool is_valid_version(std::string_view version);

/// The upstream part of `version`: "3.11.2" of "3.11.2-6+deb12u5", "2.1.5" of
/// "1:2.1.5-2".
std::string_view upstream_version(std::string_view version);

}  // namespace venv2docker::debian
