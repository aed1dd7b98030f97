#include "tar/entry_order.h"

#include <algorithm>

namespace venv2docker {

bool path_less(std::string_view a, std::string_view b) {
  auto map = [](char c) { return c == '/' ? '\0' : c; };
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [&](char x, char y) {
    return static_cast<unsigned char>(map(x)) < static_cast<unsigned char>(map(y));
  });
}

std::vector<const LayerEntry*> non_folders_in_order(const std::vector<const std::vector<LayerEntry>*>& lists) {
  std::vector<const LayerEntry*> merged;
  for (const auto* list : lists) {
    for (const LayerEntry& entry : *list) {
      if (entry.kind != EntryKind::directory) merged.push_back(&entry);
    }
  }
  const auto less = [](const LayerEntry* a, const LayerEntry* b) { return entry_path_less(*a, *b); };
  if (!std::is_sorted(merged.begin(), merged.end(), less)) std::stable_sort(merged.begin(), merged.end(), less);
  return merged;
}

}  // namespace venv2docker
