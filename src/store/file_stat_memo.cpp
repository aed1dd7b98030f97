#include "store/file_stat_memo.h"

#include <cstring>

#include "util/atomic_file.h"
#include "util/error.h"
#include "util/file_bytes.h"

namespace venv2docker {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A flat binary file rather than CBOR: a memo holds one record per file of a
// venv (ten thousand and more) and is read and written on every build, where
// building a JSON tree of it cost more than the scan it saves. Each record:
// path length and path, the five stat fields, value length and the value as
// CBOR (empty for null). All numbers are 64-bit little-endian.
constexpr std::string_view k_magic = "venv2docker file-stat-memo 3\n";

void put_number(std::string& out, std::uint64_t number) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(number >> (8 * i)));
}

void put_bytes(std::string& out, std::string_view bytes) {
  put_number(out, bytes.size());
  out.append(bytes);
}

// Reads what put_number and put_bytes wrote; false once the bytes run out.
class RecordReader {
 public:
  explicit RecordReader(std::string_view bytes) : m_bytes(bytes) {}
  bool at_end() const { return m_bytes.empty(); }
  bool number(std::uint64_t& out) {
    if (m_bytes.size() < 8) return false;
    out = 0;
    for (int i = 0; i < 8; ++i) out |= std::uint64_t{static_cast<unsigned char>(m_bytes[i])} << (8 * i);
    m_bytes.remove_prefix(8);
    return true;
  }
  bool bytes(std::string_view& out) {
    std::uint64_t size = 0;
    if (!number(size) || size > m_bytes.size()) return false;
    out = m_bytes.substr(0, size);
    m_bytes.remove_prefix(size);
    return true;
  }

 private:
  std::string_view m_bytes;
};

}  // namespace

FileStatMemo::FileStatMemo(fs::path file)
    : m_file(std::move(file)), m_settled_before(nanoseconds_ago(k_settle_seconds)) {
  const std::string bytes = read_file_bytes(m_file).value_or("");
  if (!std::string_view(bytes).starts_with(k_magic)) return;
  RecordReader reader(std::string_view(bytes).substr(k_magic.size()));
  while (!reader.at_end()) {
    std::string_view path, value;
    std::uint64_t fields[5];
    bool complete = reader.bytes(path);
    for (auto& field : fields) complete = complete && reader.number(field);
    if (!(complete && reader.bytes(value))) {
      m_previous.clear();  // a damaged memo is an empty one
      return;
    }
    m_previous[std::string(path)] =
        Remembered{SourceStat{fields[0], static_cast<std::int64_t>(fields[1]), static_cast<std::int64_t>(fields[2]),
                              fields[3], fields[4]},
                   std::string(value)};
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
  if (remembered->value.empty()) return json(nullptr);
  json value = json::from_cbor(remembered->value, true, false);
  if (value.is_discarded()) return std::nullopt;  // damaged: read the file again
  return value;
}

void FileStatMemo::remember(const fs::path& source, const std::optional<SourceStat>& known, json value) {
  auto now = known ? known : lstat_source(source);
  if (!now || changed_since(*now, m_settled_before)) return;
  std::string encoded;
  if (!value.is_null()) {
    const auto cbor = json::to_cbor(value);
    encoded.assign(cbor.begin(), cbor.end());
  }
  m_next[source.native()] = Remembered{*now, std::move(encoded)};
}

void FileStatMemo::save() const {
  // A rebuild that changed nothing finds what it read: no need to write it again.
  if (m_next == m_previous) return;
  std::string bytes(k_magic);
  for (const auto& [path, remembered] : m_next) {
    put_bytes(bytes, path);
    const SourceStat& stat = remembered.stat;
    for (std::uint64_t field : {stat.size, static_cast<std::uint64_t>(stat.mtime_ns),
                                static_cast<std::uint64_t>(stat.ctime_ns), stat.inode, stat.device}) {
      put_number(bytes, field);
    }
    put_bytes(bytes, remembered.value);
  }
  std::error_code ignored;
  fs::create_directories(m_file.parent_path(), ignored);
  try {
    write_file_atomically(m_file, bytes);
  } catch (const Error&) {
    // Only an optimisation: a read-only cache must not fail the build.
  }
}

}  // namespace venv2docker
