#include "store/file_stat_memo.h"

#include <algorithm>

namespace venv2docker {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::size_t k_file_record_size = 5 * 8 + 4;

// What a file remembered without a value answers.
const json k_no_value = nullptr;

std::uint64_t read_le(const std::uint8_t* bytes, int count) {
  std::uint64_t value = 0;
  for (int i = count - 1; i >= 0; --i) value = value << 8 | bytes[i];
  return value;
}

void write_le(std::vector<std::uint8_t>& out, std::uint64_t value, int count) {
  for (int i = 0; i < count; ++i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

}  // namespace

FileStatMemo::FileStatMemo(fs::path file, const CacheRecordKind& kind)
    : m_file(std::move(file)), m_kind(kind), m_settled_before(nanoseconds_ago(k_settle_seconds)) {
  std::optional<json> body = read_cache_record(m_file, m_kind);
  if (!body) return;
  load(*body);
  if (m_damaged) {
    m_previous.clear();
    m_previous_values.clear();
  }
}

void FileStatMemo::load(json& body) {
  m_damaged = true;  // until every check below has passed
  if (!body.is_object() || !body.contains("files") || !body.contains("values")) return;
  json& files = body["files"];
  json& values = body["values"];
  if (!files.is_binary() || !values.is_array()) return;
  const json::binary_t& bytes = files.get_binary();
  if (bytes.size() % k_file_record_size != 0) return;
  m_previous.reserve(bytes.size() / k_file_record_size);
  for (std::size_t offset = 0; offset < bytes.size(); offset += k_file_record_size) {
    const std::uint8_t* record = bytes.data() + offset;
    const FileId id{read_le(record, 8), read_le(record + 8, 8)};
    const Remembered remembered{read_le(record + 16, 8), static_cast<std::int64_t>(read_le(record + 24, 8)),
                                static_cast<std::int64_t>(read_le(record + 32, 8)),
                                static_cast<std::uint32_t>(read_le(record + 40, 4))};
    if (remembered.value > values.size()) return;
    if (!m_previous.empty() && !(m_previous.back().first < id)) return;  // unsorted, or a file twice
    m_previous.emplace_back(id, remembered);
  }
  m_previous_values = std::move(values.get_ref<json::array_t&>());
  m_damaged = false;
}

// The value remembered for `source` at its current stat (k_no_value when it
// has none), or null when it was not remembered at that stat.
const json* FileStatMemo::find(const std::string& source, const std::optional<SourceStat>& known) const {
  const std::optional<SourceStat> now = known ? known : lstat_source(source);
  if (!now) return nullptr;
  const FileId id{now->device, now->inode};
  const auto matches = [&now](const Remembered& remembered) {
    return remembered.size == now->size && remembered.mtime_ns == now->mtime_ns &&
           remembered.ctime_ns == now->ctime_ns;
  };
  const auto answer = [](const Remembered& remembered, const std::vector<json>& values) {
    return remembered.value == 0 ? &k_no_value : &values[remembered.value - 1];
  };
  // This run's own records first: two readers of one file in one build read it once.
  if (auto found = m_next.find(id); found != m_next.end()) {
    return matches(found->second) ? answer(found->second, m_next_values) : nullptr;
  }
  const auto previous = std::lower_bound(m_previous.begin(), m_previous.end(), id,
                                         [](const auto& item, const FileId& key) { return item.first < key; });
  if (previous == m_previous.end() || previous->first != id || !matches(previous->second)) return nullptr;
  return answer(previous->second, m_previous_values);
}

std::string FileStatMemo::damage_warning() const {
  return "the cache record " + m_file.string() + " (" + std::string(m_kind.name) +
         ") is damaged; ignored: every file it would have vouched for is read again, and it is written anew";
}

bool FileStatMemo::unchanged(const std::string& source, const std::optional<SourceStat>& known) const {
  return find(source, known) != nullptr;
}

std::optional<json> FileStatMemo::value(const std::string& source, const std::optional<SourceStat>& known) const {
  const json* remembered = find(source, known);
  if (!remembered) return std::nullopt;
  return *remembered;
}

void FileStatMemo::remember(const std::string& source, const std::optional<SourceStat>& known, json value) {
  const std::optional<SourceStat> now = known ? known : lstat_source(source);
  if (!now || changed_since(*now, m_settled_before)) return;
  Remembered remembered{now->size, now->mtime_ns, now->ctime_ns, 0};
  if (!value.is_null()) {
    m_next_values.push_back(std::move(value));
    remembered.value = static_cast<std::uint32_t>(m_next_values.size());
  }
  m_next[FileId{now->device, now->inode}] = remembered;
}

FileStatMemo::NextInOrder FileStatMemo::sorted_next() const {
  NextInOrder next;
  next.reserve(m_next.size());
  for (const auto& file : m_next) next.push_back(&file);
  std::sort(next.begin(), next.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  return next;
}

bool FileStatMemo::same_as_previous(const NextInOrder& next) const {
  if (next.size() != m_previous.size()) return false;
  for (std::size_t i = 0; i < next.size(); ++i) {
    const auto& [id, remembered] = *next[i];
    const auto& [previous_id, previous] = m_previous[i];
    if (id != previous_id || remembered.size != previous.size || remembered.mtime_ns != previous.mtime_ns ||
        remembered.ctime_ns != previous.ctime_ns || (remembered.value == 0) != (previous.value == 0)) {
      return false;
    }
    if (remembered.value != 0 && m_next_values[remembered.value - 1] != m_previous_values[previous.value - 1]) {
      return false;
    }
  }
  return true;
}

void FileStatMemo::save() const {
  const NextInOrder next = sorted_next();
  // A rebuild that changed nothing finds what it read: no need to write it again.
  if (same_as_previous(next)) return;
  std::vector<std::uint8_t> files;
  files.reserve(next.size() * k_file_record_size);
  json values = json::array();
  for (const auto* file : next) {
    const auto& [id, remembered] = *file;
    write_le(files, id.device, 8);
    write_le(files, id.inode, 8);
    write_le(files, remembered.size, 8);
    write_le(files, static_cast<std::uint64_t>(remembered.mtime_ns), 8);
    write_le(files, static_cast<std::uint64_t>(remembered.ctime_ns), 8);
    std::uint32_t value = 0;
    if (remembered.value != 0) {
      values.push_back(m_next_values[remembered.value - 1]);
      value = static_cast<std::uint32_t>(values.size());
    }
    write_le(files, value, 4);
  }
  write_cache_record(m_file, m_kind, json{{"files", json::binary(std::move(files))}, {"values", std::move(values)}});
}

}  // namespace venv2docker
