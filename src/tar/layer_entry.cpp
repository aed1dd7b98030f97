#include "tar/layer_entry.h"

#include <algorithm>

namespace venv2docker {

namespace {
// Compares paths component by component, so "/a/b" sorts before "/a-b" and a
// folder's contents follow the folder directly: plain string order would put
// '-' (0x2d) before '/' (0x2f).
bool path_less(const std::string& a, const std::string& b) {
  auto map = [](char c) { return c == '/' ? '\0' : c; };
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [&](char x, char y) {
                                        return static_cast<unsigned char>(map(x)) <
                                               static_cast<unsigned char>(map(y));
                                      });
}
}  // namespace

void sort_entries(std::vector<LayerEntry>& entries) {
  auto less = [](const LayerEntry& a, const LayerEntry& b) { return path_less(a.path, b.path); };
  // Lists mostly arrive sorted (walk_tree sorts, and each layer is sorted again
  // on its way to the writer and the cache): checking is linear, sorting is not.
  if (std::is_sorted(entries.begin(), entries.end(), less)) return;
  std::stable_sort(entries.begin(), entries.end(), less);
}

}  // namespace venv2docker
