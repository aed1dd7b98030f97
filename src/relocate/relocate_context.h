// What the relocation steps share: the venv's entries with an index by image
// path, the old-to-new path maps, and the bookkeeping of what changed (for
// RECORD hashes and stale bytecode).
// Header only.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "relocate/path_map.h"
#include "relocate/relocate.h"
#include "util/path_index.h"

namespace venv2docker {

class RelocationContext {
 public:
  RelocationContext(const Venv& venv, std::vector<LayerEntry>& entries, const RelocationParams& params,
                    RelocationResult& result);

  const Venv& venv;
  const RelocationParams& params;
  RelocationResult& result;

  std::string venv_destination;  // "/opt/venv", no trailing slash
  std::string site_packages;     // image path of the venv's site-packages
  /// The old venv folder (as named and canonical) to the new one.
  PathMap venv_paths;
  /// venv_paths plus the project and the editable sources copied into the
  /// image: every host folder whose files the image has somewhere else.
  PathMap moved_paths;
  /// Host folders the image does not have at all (the venv's .project
  /// folder when no project is shipped): its files should not name them.
  PathMap stale_paths;

  /// The entry at `image_path`, if the venv has one (and it was not removed).
  LayerEntry* find(std::string_view image_path);
  /// Regular files and links directly inside the image folder `folder`.
  std::vector<LayerEntry*> children(std::string_view folder);
  /// Every regular file and link (not removed) for which `predicate` holds.
  std::vector<LayerEntry*> select(const std::function<bool(const LayerEntry&)>& predicate);
  /// The bytes of a regular entry: its new content, else its host file.
  std::string read(const LayerEntry& entry) const;
  /// Where an entry came from, for messages.
  std::string describe(const LayerEntry& entry) const;
  /// The --exclude pattern that leaves `entry` out of the venv.
  std::string exclude_pattern(const LayerEntry& entry) const;
  /// Replaces an entry's bytes; a rewritten .py loses its cached bytecode.
  void rewrite(LayerEntry& entry, std::string content);
  bool was_rewritten(const LayerEntry& entry) const { return m_rewritten.count(entry.path) > 0; }
  /// The image paths of the entries rewrite() changed so far.
  const std::set<std::string>& rewritten_paths() const { return m_rewritten; }
  /// Adds an entry to the venv (visible to find() only after finish()).
  void add(LayerEntry entry);
  /// Leaves `entry` out of the layer.
  void remove(const LayerEntry& entry) { m_removed.insert(entry.path); }
  void warn(std::string message) { result.warnings.push_back(std::move(message)); }
  /// Applies removals and additions, and sorts the entries again.
  void finish();

 private:
  void drop_bytecode(const std::string& py_path);

  std::vector<LayerEntry>& m_entries;
  // Positions in m_entries by path, as the entries were given.
  PathIndex m_index;
  std::set<std::string> m_rewritten;
  std::set<std::string> m_removed;
  std::vector<LayerEntry> m_added;
};

/// The last component of an entry's path.
inline std::string entry_name(const LayerEntry& entry) { return entry.path.substr(entry.path.rfind('/') + 1); }

/// Only files smaller than this are read as text; larger ones are data, not configuration.
constexpr std::uint64_t max_text_size = 1 << 20;

/// The largest file RelocationContext::read reads whole: far above any
/// RECORD, the one kind of file it reads whatever its size.
constexpr std::size_t k_max_read_whole = std::size_t{256} << 20;

}  // namespace venv2docker
