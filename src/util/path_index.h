// Where each path of a long list sits in it, found in constant time without
// copying the paths: a venv's hundreds of thousands of entries are looked up
// once per line of every RECORD, where a map of strings would hold each path
// twice and a binary search over them would miss the cache a dozen times.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace venv2docker {

class PathIndex {
 public:
  using PathAt = std::function<std::string_view(std::size_t)>;

  /// Indexes positions 0 to count - 1, whose paths `path_at` gives; what it
  /// gives must stay valid while the index is used. Of equal paths, the first
  /// position is found.
  PathIndex(std::size_t count, PathAt path_at);

  /// The position whose path is `path` (as path_at gives it now), if any.
  std::optional<std::size_t> find(std::string_view path) const;

 private:
  struct Slot {
    std::uint32_t hash = 0;      // the path hash's low bits, compared before the path
    std::uint32_t position = 0;  // + 1; 0 is an empty slot
  };

  std::size_t first_slot(std::size_t hash) const;

  PathAt m_path_at;
  // Open addressing, linear probing, two thirds full at most: smaller than the
  // sorted array of hashes it replaces, which a large venv's peak memory feels.
  std::vector<Slot> m_slots;
};

}  // namespace venv2docker
