#include "tar/layer_entry.h"

#include <algorithm>

#include "tar/entry_order.h"

namespace venv2docker {

void sort_entries(std::vector<LayerEntry>& entries) {
  const auto less = [](const LayerEntry& a, const LayerEntry& b) { return entry_path_less(a, b); };
  // Lists mostly arrive sorted (walk_tree sorts, and each layer is sorted again
  // on its way to the writer and the cache), or sorted but for entries added
  // at the end (relocation's): checking is linear, sorting is not.
  sort_mostly_sorted(entries.begin(), entries.end(), less);
}

}  // namespace venv2docker
