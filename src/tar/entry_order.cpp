#include "tar/entry_order.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace venv2docker {

bool path_less(std::string_view a, std::string_view b) {
  // Paths of one list share long prefixes (/opt/venv/lib/python3.X/site-packages/...):
  // the common part is skipped eight bytes at a time, and only the first
  // differing byte is mapped. Paths hold no NUL, so mapping '/' to it keeps
  // every other byte's place.
  const std::size_t common = std::min(a.size(), b.size());
  std::size_t i = 0;
  for (; i + 8 <= common; i += 8) {
    std::uint64_t x;
    std::uint64_t y;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (x != y) break;
  }
  for (; i < common && a[i] == b[i]; ++i) {
  }
  if (i == common) return a.size() < b.size();
  const auto map = [](char c) { return c == '/' ? 0 : static_cast<unsigned char>(c); };
  return map(a[i]) < map(b[i]);
}

std::vector<const LayerEntry*> non_folders_in_order(const std::vector<const std::vector<LayerEntry>*>& lists) {
  std::vector<const LayerEntry*> merged;
  for (const auto* list : lists) {
    for (const LayerEntry& entry : *list) {
      if (entry.kind != EntryKind::directory) merged.push_back(&entry);
    }
  }
  sort_mostly_sorted(merged.begin(), merged.end(), referenced_path_less);
  return merged;
}

std::vector<const LayerEntry*> sorted_references(const std::vector<LayerEntry>& entries) {
  std::vector<const LayerEntry*> order;
  order.reserve(entries.size());
  for (const LayerEntry& entry : entries) order.push_back(&entry);
  sort_mostly_sorted(order.begin(), order.end(), referenced_path_less);
  return order;
}

}  // namespace venv2docker
