// The valid name closest to one a user mistyped, for "did you mean" hints.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace venv2docker {

/// The name in `names` with the fewest single-character edits (insertions,
/// deletions, substitutions, swaps of neighbours) from `word`; the first of
/// equals. std::nullopt when `names` is empty.
std::optional<std::string> nearest_name(std::string_view word, const std::vector<std::string>& names);

}  // namespace venv2docker
