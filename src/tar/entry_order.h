// The one order of a layer's entries: paths compared component by component,
// so a folder's contents follow the folder directly. sort_entries() sorts by
// it; code that orders references to entries (the venv's split) uses it too.
#pragma once

#include <algorithm>
#include <string_view>
#include <vector>

#include "tar/layer_entry.h"

namespace venv2docker {

/// True when path `a` sorts before `b`: as bytes, with '/' lower than any
/// other byte, so "/a/b" comes before "/a-b" (plain string order would put
/// '-' before '/').
bool path_less(std::string_view a, std::string_view b);

/// Sorts [first, last) stably by `less`, as std::stable_sort would, in about
/// linear time when only a tail is out of order (entries appended to a sorted
/// list, a venv's layers one after another): the sorted head is kept, the
/// rest sorted and merged into it. A venv's list holds hundreds of thousands
/// of entries with long common prefixes, which a full sort compares many
/// times over.
template <class Iterator, class Less>
void sort_mostly_sorted(Iterator first, Iterator last, Less less) {
  const Iterator head_end = std::is_sorted_until(first, last, less);
  if (head_end == last) return;
  std::stable_sort(head_end, last, less);
  std::inplace_merge(first, head_end, last, less);
}

/// path_less() of the entries' paths.
inline bool entry_path_less(const LayerEntry& a, const LayerEntry& b) { return path_less(a.path, b.path); }
/// The same of entries by reference.
inline bool referenced_path_less(const LayerEntry* a, const LayerEntry* b) { return path_less(a->path, b->path); }

/// The entries, by reference, in sort_entries() order: a list that other
/// threads may be reading meanwhile (a layer's, while it is written), or that
/// is large (a venv's), is ordered without a copy of it.
std::vector<const LayerEntry*> sorted_references(const std::vector<LayerEntry>& entries);

/// The files and links of several lists (a venv's layers, which may each
/// repeat the folders above their files) as one list in sort_entries()
/// order, by reference: what one sorted list of them all would hold, less
/// its folders.
std::vector<const LayerEntry*> non_folders_in_order(const std::vector<const std::vector<LayerEntry>*>& lists);

}  // namespace venv2docker
