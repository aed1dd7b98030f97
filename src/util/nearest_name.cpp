#include "util/nearest_name.h"

#include <algorithm>
#include <cstddef>

namespace venv2docker {

namespace {

// Names are flag names: a word a user typed longer than this is no misspelling
// of one, and the table below stays small whatever the word.
constexpr std::size_t k_max_compared = 64;

// Optimal string alignment distance: Levenshtein's edits plus a swap of two
// neighbouring characters, the commonest typo.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + substitution});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::optional<std::string> nearest_name(std::string_view word, const std::vector<std::string>& names) {
  const std::string_view compared = word.substr(0, k_max_compared);
  std::optional<std::string> nearest;
  std::size_t best = 0;
  for (const auto& name : names) {
    const std::size_t distance = edit_distance(compared, name);
    if (!nearest || distance < best) {
      nearest = name;
      best = distance;
    }
  }
  return nearest;
}

}  // namespace venv2docker
