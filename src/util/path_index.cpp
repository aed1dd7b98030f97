#include "util/path_index.h"

#include <limits>

#include "util/error.h"

namespace venv2docker {

namespace {

std::size_t hash_of(std::string_view path) { return std::hash<std::string_view>()(path); }

}  // namespace

std::size_t PathIndex::first_slot(std::size_t hash) const { return hash % m_slots.size(); }

PathIndex::PathIndex(std::size_t count, PathAt path_at) : m_path_at(std::move(path_at)) {
  if (count >= std::numeric_limits<std::uint32_t>::max() / 2) throw Error("too many paths to index");
  m_slots.resize(count + count / 2 + 1);
  for (std::size_t position = 0; position < count; ++position) {
    const std::string_view path = m_path_at(position);
    const std::size_t hash = hash_of(path);
    const auto low = static_cast<std::uint32_t>(hash);
    for (std::size_t slot = first_slot(hash);; slot = slot + 1 == m_slots.size() ? 0 : slot + 1) {
      Slot& here = m_slots[slot];
      if (here.position == 0) {
        here = Slot{low, static_cast<std::uint32_t>(position + 1)};
        break;
      }
      if (here.hash == low && m_path_at(here.position - 1) == path) break;  // the first one stays
    }
  }
}

std::optional<std::size_t> PathIndex::find(std::string_view path) const {
  const std::size_t hash = hash_of(path);
  const auto low = static_cast<std::uint32_t>(hash);
  for (std::size_t slot = first_slot(hash);; slot = slot + 1 == m_slots.size() ? 0 : slot + 1) {
    const Slot& here = m_slots[slot];
    if (here.position == 0) return std::nullopt;
    if (here.hash == low && m_path_at(here.position - 1) == path) return here.position - 1;
  }
}

}  // namespace venv2docker
