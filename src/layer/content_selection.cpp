#include "layer/content_selection.h"

#include <algorithm>
#include <string_view>

namespace venv2docker {

namespace {

// '*' matches any run of characters; on a mismatch the last '*' takes one
// character more, so the match is linear in practice.
bool matches(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0;
  std::size_t star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace

ContentSelection::ContentSelection(std::vector<std::string> patterns) : m_patterns(std::move(patterns)) {}

ContentSelection& ContentSelection::add(const ContentSelection& other) {
  for (const auto& pattern : other.m_patterns) {
    if (std::find(m_patterns.begin(), m_patterns.end(), pattern) == m_patterns.end()) m_patterns.push_back(pattern);
  }
  return *this;
}

bool ContentSelection::selects(const std::string& path, std::uint64_t size) const {
  if (size > k_max_selected_file) return false;
  return std::any_of(m_patterns.begin(), m_patterns.end(),
                     [&](const std::string& pattern) { return matches(pattern, path); });
}

}  // namespace venv2docker
