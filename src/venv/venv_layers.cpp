#include "venv/venv_layers.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>

#include "tar/entry_order.h"
#include "util/error.h"
#include "util/file_bytes.h"
#include "util/path_index.h"
#include "venv/wheel_record.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

constexpr int k_skeleton = 0;  // group of what no distribution owns
constexpr int k_mixed = -1;    // a folder holding entries of several owners

struct Distribution {
  std::string name;
  std::string dist_info;  // image path of its .dist-info folder
  std::uint64_t bytes = 0;
};

// A view into `path`, so walking up a large tree allocates nothing per entry.
std::string_view parent_of(std::string_view path) {
  const auto slash = path.rfind('/');
  return path.substr(0, slash == std::string_view::npos ? 0 : slash);
}

bool is_inside(std::string_view path, std::string_view folder) {
  return path.size() > folder.size() && path.starts_with(folder) && path[folder.size()] == '/';
}

// A RECORD lists every file of one distribution: far below this.
constexpr std::size_t k_max_record = std::size_t{256} << 20;

// The entry's bytes: its rewritten content in place (a large venv's RECORD
// is not copied while the split runs), else read into `buffer`.
std::string_view read_entry(const LayerEntry& entry, std::string& buffer) {
  if (entry.content) return *entry.content;
  buffer = read_whole_file(entry.source, k_max_record, "", "check the file's permissions");
  return buffer;
}

// "numpy-1.26.4.dist-info" -> "numpy": the project name pip put before the version.
std::string distribution_name(std::string_view dist_info_folder) {
  std::string_view name = dist_info_folder.substr(dist_info_folder.rfind('/') + 1);
  name.remove_suffix(std::string_view(".dist-info").size());
  return std::string(name.substr(0, name.find('-')));
}

// FNV-1a: a hash that is the same on every platform and compiler, so a
// distribution lands in the same shared layer everywhere.
std::uint64_t stable_hash(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ull;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

std::uint64_t entry_bytes(const LayerEntry& entry) {
  if (entry.kind != EntryKind::regular) return 0;
  return entry.content ? entry.content->size() : entry.size;
}

// Who owns each entry: k_skeleton or 1 + the index of a distribution.
class Ownership {
 public:
  /// `entries` must be in sort_entries() order.
  Ownership(const std::vector<const LayerEntry*>& entries, std::string venv_destination)
      : m_entries(entries),
        m_venv(std::move(venv_destination)),
        m_owner(entries.size(), k_skeleton),
        m_index(entries.size(), [&entries](std::size_t i) { return std::string_view(entries[i]->path); }) {}

  std::vector<Distribution> distributions;
  const std::vector<int>& owners() const { return m_owner; }

  void claim_from_records() {
    std::map<std::string, std::size_t> records;  // by dist-info path: the same order everywhere
    for (std::size_t i = 0; i < m_entries.size(); ++i) {
      const LayerEntry& entry = *m_entries[i];
      if (entry.kind != EntryKind::regular || !is_inside(entry.path, m_venv) || !entry.path.ends_with("/RECORD")) continue;
      std::string dist_info(parent_of(entry.path));
      if (dist_info.ends_with(".dist-info")) records.emplace(std::move(dist_info), i);
    }
    for (const auto& [dist_info, record] : records) {
      distributions.push_back({distribution_name(dist_info), dist_info, 0});
      const int owner = static_cast<int>(distributions.size());
      const std::string site(parent_of(dist_info));
      std::string buffer;
      for_each_record_path(read_entry(*m_entries[record], buffer), [&](const std::string& listed) {
        const std::string path = record_listed_path(site, listed);
        if (is_inside(path, m_venv)) claim(path, owner);
      });
      // Its own metadata, listed or not (INSTALLER, REQUESTED, RECORD itself).
      // Entries are sorted, so the folder's contents follow it directly.
      if (auto found = index_of(dist_info)) {
        claim(dist_info, owner);
        for (std::size_t i = *found + 1; i < m_entries.size() && is_inside(m_entries[i]->path, dist_info); ++i) {
          claim(m_entries[i]->path, owner);
        }
      }
    }
  }

  // Files no RECORD lists inside a top-level site-packages folder that a
  // distribution owns (numpy/__pycache__/x.pyc compiled after install) go
  // with that distribution: with the files they were made from.
  void claim_strays() {
    std::set<std::string> sites;
    for (const auto& dist : distributions) sites.emplace(parent_of(dist.dist_info));
    std::map<std::string, std::map<int, std::size_t>> claims;  // top folder -> owner -> files
    for (std::size_t i = 0; i < m_entries.size(); ++i) {
      if (m_owner[i] == k_skeleton || m_entries[i]->kind == EntryKind::directory) continue;
      if (auto top = top_folder(m_entries[i]->path, sites)) ++claims[*top][m_owner[i]];
    }
    std::map<std::string, int> top_owner;
    for (const auto& [top, counts] : claims) {
      // Most files wins; ties go to the first distribution by name.
      auto best = std::max_element(counts.begin(), counts.end(), [](const auto& a, const auto& b) {
        return a.second < b.second || (a.second == b.second && a.first > b.first);
      });
      top_owner[top] = best->first;
    }
    for (std::size_t i = 0; i < m_entries.size(); ++i) {
      if (m_owner[i] != k_skeleton || m_entries[i]->kind == EntryKind::directory) continue;
      if (auto top = top_folder(m_entries[i]->path, sites)) {
        if (auto found = top_owner.find(*top); found != top_owner.end()) m_owner[i] = found->second;
      }
    }
  }

  // A folder goes with its contents when one owner has them all; a folder
  // with mixed or no contents stays in the skeleton.
  void assign_folders() {
    std::unordered_map<std::string_view, int> folder_owner;
    for (std::size_t i = 0; i < m_entries.size(); ++i) {
      if (m_entries[i]->kind == EntryKind::directory) continue;
      for (auto folder = parent_of(m_entries[i]->path); is_inside(folder, m_venv); folder = parent_of(folder)) {
        auto [it, added] = folder_owner.emplace(folder, m_owner[i]);
        if (added) continue;
        // A folder already this owner's or mixed passed it up before: every
        // folder above is this owner's or mixed already.
        if (it->second == m_owner[i] || it->second == k_mixed) break;
        it->second = k_mixed;
      }
    }
    for (std::size_t i = 0; i < m_entries.size(); ++i) {
      if (m_entries[i]->kind != EntryKind::directory) continue;
      auto found = folder_owner.find(std::string_view(m_entries[i]->path));
      m_owner[i] = found == folder_owner.end() || found->second == k_mixed ? k_skeleton : found->second;
    }
  }

  void count_bytes() {
    for (std::size_t i = 0; i < m_entries.size(); ++i) {
      if (m_owner[i] != k_skeleton) distributions[static_cast<std::size_t>(m_owner[i] - 1)].bytes += entry_bytes(*m_entries[i]);
    }
  }

 private:
  void claim(std::string_view path, int owner) {
    auto found = index_of(path);
    // The first distribution by name keeps a file two RECORDs list.
    if (found && m_owner[*found] == k_skeleton) m_owner[*found] = owner;
  }

  static std::optional<std::string> top_folder(const std::string& path, const std::set<std::string>& sites) {
    for (const auto& site : sites) {
      if (!is_inside(path, site)) continue;
      const auto slash = path.find('/', site.size() + 1);
      if (slash == std::string::npos) return std::nullopt;  // a file right in site-packages
      return path.substr(0, slash);
    }
    return std::nullopt;
  }

  const std::vector<const LayerEntry*>& m_entries;
  std::string m_venv;
  std::vector<int> m_owner;
  // The first entry at `path`.
  std::optional<std::size_t> index_of(std::string_view path) const { return m_index.find(path); }

  PathIndex m_index;
};

std::string group_name(const std::vector<std::string>& names) {
  if (names.empty()) return "venv skeleton";
  constexpr std::size_t k_named = 4;
  std::string text = "venv packages ";
  for (std::size_t i = 0; i < names.size() && i < k_named; ++i) text += (i ? ", " : "") + names[i];
  if (names.size() > k_named) text += " and " + std::to_string(names.size() - k_named) + " more";
  return text;
}

// Which group each distribution goes to (1-based; 0 is the skeleton), within
// `slots` groups besides the skeleton.
std::vector<int> plan_groups(const std::vector<Distribution>& distributions, unsigned slots) {
  std::vector<std::size_t> large;
  for (std::size_t i = 0; i < distributions.size(); ++i) {
    if (distributions[i].bytes >= k_own_layer_bytes) large.push_back(i);
  }
  // Over budget, the largest keep their own layer.
  std::stable_sort(large.begin(), large.end(), [&](std::size_t a, std::size_t b) {
    return distributions[a].bytes > distributions[b].bytes;
  });
  std::size_t own = std::min<std::size_t>(large.size(), slots);
  if (own == slots && own < distributions.size()) --own;  // keep one layer for the rest
  large.resize(own);
  std::sort(large.begin(), large.end(), [&](std::size_t a, std::size_t b) {
    return distributions[a].name < distributions[b].name;
  });

  std::vector<int> group(distributions.size(), -1);
  for (std::size_t i = 0; i < large.size(); ++i) group[large[i]] = static_cast<int>(i) + 1;
  const unsigned shared = std::min<unsigned>(k_max_shared_layers, slots - static_cast<unsigned>(own));
  for (std::size_t i = 0; i < distributions.size(); ++i) {
    if (group[i] != -1) continue;
    std::string key = distributions[i].name;
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) {
      return c == '-' || c == '.' ? '_' : static_cast<char>(std::tolower(c));
    });
    group[i] = static_cast<int>(own + 1 + stable_hash(key) % shared);
  }
  return group;
}

// The split as members of `all` (sorted references to the entries): one
// sorted list of indices per group, and the groups' names.
struct SplitPlan {
  std::vector<LayerGroup> groups;  // names and distributions; entries left empty
  std::vector<std::vector<std::size_t>> members;
};

SplitPlan plan_split(const std::vector<const LayerEntry*>& all, const std::string& venv_destination,
                     unsigned max_layers) {
  if (max_layers <= 1) {
    std::vector<std::size_t> everything(all.size());
    for (std::size_t i = 0; i < all.size(); ++i) everything[i] = i;
    return {{LayerGroup{"venv", {}, {}}}, {std::move(everything)}};
  }
  Ownership ownership(all, venv_destination);
  ownership.claim_from_records();
  ownership.claim_strays();
  ownership.assign_folders();
  ownership.count_bytes();
  const auto& distributions = ownership.distributions;
  const std::vector<int> plan = plan_groups(distributions, max_layers - 1);

  const int group_count = 1 + (plan.empty() ? 0 : *std::max_element(plan.begin(), plan.end()));
  std::vector<LayerGroup> groups(static_cast<std::size_t>(group_count));
  for (std::size_t i = 0; i < distributions.size(); ++i) {
    groups[static_cast<std::size_t>(plan[i])].distributions.push_back(distributions[i].name);
  }

  std::unordered_map<std::string_view, std::size_t> folder_index;  // views into `all`
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i]->kind == EntryKind::directory) folder_index.emplace(std::string_view(all[i]->path), i);
  }
  // One flag per entry and group rather than a set of indices: a venv's
  // hundreds of thousands of entries would each cost a tree node.
  std::vector<std::vector<bool>> member(groups.size(), std::vector<bool>(all.size(), false));
  for (std::size_t i = 0; i < all.size(); ++i) {
    const int owner = ownership.owners()[i];
    const auto group = static_cast<std::size_t>(owner == k_skeleton ? 0 : plan[static_cast<std::size_t>(owner - 1)]);
    member[group][i] = true;
    // Repeat the folders above, as the venv has them, unless this group has them already.
    for (auto folder = parent_of(all[i]->path); !folder.empty(); folder = parent_of(folder)) {
      auto found = folder_index.find(folder);
      if (found == folder_index.end()) continue;
      if (member[group][found->second]) break;
      member[group][found->second] = true;
    }
  }

  SplitPlan split;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    std::vector<std::size_t> indices;
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (member[g][i]) indices.push_back(i);
    }
    if (indices.empty()) continue;  // a shared layer no distribution hashed to
    LayerGroup& group = groups[g];
    std::sort(group.distributions.begin(), group.distributions.end());
    group.name = group_name(group.distributions);
    split.groups.push_back(std::move(group));
    split.members.push_back(std::move(indices));
  }
  if (split.groups.size() == 1) split.groups.front().name = "venv";
  return split;
}

}  // namespace

std::vector<LayerGroup> split_venv_layers(const std::vector<LayerEntry>& relocated_entries,
                                          const std::string& venv_destination, unsigned max_layers) {
  return split_venv_layers(std::vector<LayerEntry>(relocated_entries), venv_destination, max_layers);
}

std::vector<LayerGroup> split_venv_layers(std::vector<LayerEntry>&& relocated_entries,
                                          const std::string& venv_destination, unsigned max_layers) {
  const std::vector<const LayerEntry*> all = sorted_references(relocated_entries);
  SplitPlan split = plan_split(all, venv_destination, max_layers);
  // The largest group keeps the list itself, its entries moved down in place,
  // when the list is in order: a venv of one large distribution (hundreds of
  // thousands of files) is then never held twice while it is split.
  const bool in_order = std::equal(all.begin(), all.end(), relocated_entries.begin(), relocated_entries.end(),
                                   [](const LayerEntry* a, const LayerEntry& b) { return a == &b; });
  std::size_t largest = split.groups.size();
  if (in_order && !split.groups.empty()) {
    largest = static_cast<std::size_t>(std::max_element(split.members.begin(), split.members.end(),
                                                        [](const auto& a, const auto& b) { return a.size() < b.size(); }) -
                                       split.members.begin());
  }
  for (std::size_t g = 0; g < split.groups.size(); ++g) {
    if (g == largest) continue;
    std::vector<LayerEntry>& entries = split.groups[g].entries;
    entries.reserve(split.members[g].size());
    for (std::size_t i : split.members[g]) {
      LayerEntry& entry = relocated_entries[static_cast<std::size_t>(all[i] - relocated_entries.data())];
      // Files and links belong to one group and move there; folders may be
      // repeated in several, so each group gets a copy.
      if (entry.kind == EntryKind::directory) {
        entries.push_back(entry);
      } else {
        entries.push_back(std::move(entry));
      }
    }
  }
  if (largest < split.groups.size()) {
    // Its members are ascending indices of the list: each moves down or stays.
    std::size_t kept = 0;
    for (std::size_t i : split.members[largest]) {
      if (i != kept) relocated_entries[kept] = std::move(relocated_entries[i]);
      ++kept;
    }
    relocated_entries.erase(relocated_entries.begin() + static_cast<std::ptrdiff_t>(kept), relocated_entries.end());
    split.groups[largest].entries = std::move(relocated_entries);
  }
  relocated_entries.clear();
  relocated_entries.shrink_to_fit();
  return std::move(split.groups);
}

}  // namespace venv2docker
