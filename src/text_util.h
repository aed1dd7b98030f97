// Small string helpers shared by the venv readers and relocation steps.
#pragma once

#include <string>
#include <string_view>

namespace venv2docker {

/// `text` without leading and trailing white space (as Python's str.strip()).
inline std::string trim(std::string_view text) {
  constexpr std::string_view spaces = " \t\r\n\v\f";
  const auto first = text.find_first_not_of(spaces);
  if (first == std::string_view::npos) return {};
  return std::string(text.substr(first, text.find_last_not_of(spaces) - first + 1));
}

}  // namespace venv2docker
