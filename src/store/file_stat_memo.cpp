#include "store/file_stat_memo.h"

namespace venv2docker {

namespace fs = std::filesystem;
using nlohmann::json;

// The body: one [path as bytes, stat, value] per file.
FileStatMemo::FileStatMemo(fs::path file, const CacheRecordKind& kind)
    : m_file(std::move(file)), m_kind(kind), m_settled_before(nanoseconds_ago(k_settle_seconds)) {
  std::optional<json> body = read_cache_record(m_file, m_kind);
  if (!body) return;
  try {
    for (json& item : *body) {
      std::optional<SourceStat> stat = stat_from_json(item.at(1));
      if (!stat) {
        m_previous.clear();  // a damaged memo is an empty one
        return;
      }
      m_previous.insert_or_assign(bytes_from_cache(item.at(0)), Remembered{*stat, std::move(item.at(2))});
    }
  } catch (const json::exception&) {
    m_previous.clear();
  }
}

const FileStatMemo::Remembered* FileStatMemo::find(const fs::path& source,
                                                   const std::optional<SourceStat>& known) const {
  // This run's own records first: two readers of one file in one build read it once.
  const Remembered* remembered = nullptr;
  if (auto found = m_next.find(source.native()); found != m_next.end()) {
    remembered = &found->second;
  } else if (auto previous = m_previous.find(source.native()); previous != m_previous.end()) {
    remembered = &previous->second;
  }
  if (!remembered) return nullptr;
  auto now = known ? known : lstat_source(source);
  return now && *now == remembered->stat ? remembered : nullptr;
}

bool FileStatMemo::unchanged(const fs::path& source, const std::optional<SourceStat>& known) const {
  return find(source, known) != nullptr;
}

std::optional<json> FileStatMemo::value(const fs::path& source, const std::optional<SourceStat>& known) const {
  const Remembered* remembered = find(source, known);
  if (!remembered) return std::nullopt;
  return remembered->value;
}

void FileStatMemo::remember(const fs::path& source, const std::optional<SourceStat>& known, json value) {
  auto now = known ? known : lstat_source(source);
  if (!now || changed_since(*now, m_settled_before)) return;
  m_next[source.native()] = Remembered{*now, std::move(value)};
}

void FileStatMemo::save() const {
  // A rebuild that changed nothing finds what it read: no need to write it again.
  if (m_next == m_previous) return;
  json body = json::array();
  for (const auto& [path, remembered] : m_next) {
    body.push_back(json::array({cache_bytes(path), stat_json(remembered.stat), remembered.value}));
  }
  write_cache_record(m_file, m_kind, body);
}

}  // namespace venv2docker
