// The nearest of a set of names to a mistyped one, for "did you mean"
// suggestions (an unknown flag, an unknown key).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace venv2docker {

/// The number of single-character insertions, deletions, substitutions and
/// swaps of two neighbours that turn `a` into `b` (optimal string alignment).
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate nearest to `word` by edit_distance, when it is near enough to
/// be what was meant: at most a third of the word's length (at least 1), or a
/// candidate that starts with `word` (an abbreviation). Ties go to the first.
std::optional<std::string> nearest_name(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace venv2docker
