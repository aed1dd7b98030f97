#include "tar/entry_order.h"

#include <algorithm>

namespace venv2docker {

bool path_less(std::string_view a, std::string_view b) {
  auto map = [](char c) { return c == '/' ? '\0' : c; };
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [&](char x, char y) {
    return static_cast<unsigned char>(map(x)) < static_cast<unsigned char>(map(y));
  });
}

}  // namespace venv2docker
