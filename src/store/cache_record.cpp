#include "store/cache_record.h"

#include <ostream>
#include <streambuf>
#include <system_error>

#include "util/atomic_file.h"
#include "util/error.h"
#include "util/file_bytes.h"

namespace venv2docker {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path cache_record_path(const fs::path& cache_root, std::string_view folder, const Digest& key) {
  return cache_root / folder / (std::string(key.hex()) + ".cbor");
}

namespace {

// Deeper than any record of ours nests (a record, its body, a listing, an entry).
constexpr std::size_t k_max_cbor_depth = 64;

// nlohmann's DOM builder, refusing nesting deeper than k_max_cbor_depth: its
// CBOR reader recurses once per level, so a document of nested arrays (a few
// hundred bytes of xz) would otherwise overflow the stack. The reader checks
// what start_object and start_array return before it goes a level down.
class DepthLimitedDom {
 public:
  explicit DepthLimitedDom(json& result) : m_dom(result, false) {}

  bool null() { return m_dom.null(); }
  bool boolean(bool value) { return m_dom.boolean(value); }
  bool number_integer(json::number_integer_t value) { return m_dom.number_integer(value); }
  bool number_unsigned(json::number_unsigned_t value) { return m_dom.number_unsigned(value); }
  bool number_float(json::number_float_t value, const json::string_t& text) { return m_dom.number_float(value, text); }
  bool string(json::string_t& value) { return m_dom.string(value); }
  bool binary(json::binary_t& value) { return m_dom.binary(value); }
  bool key(json::string_t& value) { return m_dom.key(value); }
  bool start_object(std::size_t size) { return ++m_depth <= k_max_cbor_depth && m_dom.start_object(size); }
  bool end_object() {
    --m_depth;
    return m_dom.end_object();
  }
  bool start_array(std::size_t size) { return ++m_depth <= k_max_cbor_depth && m_dom.start_array(size); }
  bool end_array() {
    --m_depth;
    return m_dom.end_array();
  }
  bool parse_error(std::size_t position, const std::string& token, const json::exception& error) {
    return m_dom.parse_error(position, token, error);
  }

 private:
  nlohmann::detail::json_sax_dom_parser<json> m_dom;
  std::size_t m_depth = 0;
};

}  // namespace

std::optional<json> parse_cbor(std::string_view bytes) {
  try {
    json value;
    DepthLimitedDom dom(value);
    if (!json::sax_parse(bytes.begin(), bytes.end(), &dom, json::input_format_t::cbor)) return std::nullopt;
    return value;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

std::optional<json> read_cache_record(const fs::path& file, const CacheRecordKind& kind) {
  try {
    std::optional<std::string> bytes = read_file_bytes(file, kind.max_size);
    if (!bytes) return std::nullopt;
    std::optional<json> parsed = parse_cbor(*bytes);
    if (!parsed) return std::nullopt;
    json& record = *parsed;
    if (!record.is_object() || record.size() != 3) return std::nullopt;
    const json& name = record["kind"];
    const json& version = record["version"];
    if (!name.is_string() || name.get_ref<const std::string&>() != kind.name) return std::nullopt;
    if (!version.is_number_unsigned() || version.get<std::uint64_t>() != kind.version) return std::nullopt;
    if (!record.contains("body")) return std::nullopt;
    return std::move(record["body"]);
  } catch (const Error&) {
    return std::nullopt;  // larger than any record of its kind
  }
}

namespace {

// The bytes nlohmann's CBOR writer makes, straight into the atomic file: a
// large record (a memo of a venv's hundreds of thousands of files) then never
// exists twice in memory, as its document and as its encoding.
class AtomicFileBuffer : public std::streambuf {
 public:
  explicit AtomicFileBuffer(AtomicFile& file) : m_file(file) {}

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    const char byte = traits_type::to_char_type(c);
    m_file.write(&byte, 1);
    return c;
  }
  std::streamsize xsputn(const char* data, std::streamsize size) override {
    m_file.write(data, static_cast<std::size_t>(size));
    return size;
  }

 private:
  AtomicFile& m_file;
};

}  // namespace

bool write_cache_record(const fs::path& file, const CacheRecordKind& kind, json body) {
  json record = json::object();
  record["kind"] = kind.name;
  record["version"] = kind.version;
  record["body"] = std::move(body);
  try {
    AtomicFile out(file);
    AtomicFileBuffer buffer(out);
    std::ostream stream(&buffer);
    // The file's own Error (a full disk, a cancelled run) comes back out of the stream.
    stream.exceptions(std::ios::badbit);
    json::to_cbor(record, stream);
    out.commit();
    return true;
  } catch (const Error&) {
    return false;
  }
}

json cache_bytes(std::string_view bytes) {
  return json::binary(std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
}

std::string bytes_from_cache(const json& value) {
  const json::binary_t& bytes = value.get_binary();
  return std::string(bytes.begin(), bytes.end());
}

json cache_bytes_list(const std::vector<std::string>& list) {
  json bytes = json::array();
  for (const auto& item : list) bytes.push_back(cache_bytes(item));
  return bytes;
}

std::vector<std::string> bytes_list_from_cache(const json& value) {
  std::vector<std::string> list;
  for (const auto& item : value.get_ref<const json::array_t&>()) list.push_back(bytes_from_cache(item));
  return list;
}

json stat_json(const std::optional<SourceStat>& stat) {
  if (!stat) return nullptr;
  return {stat->size, stat->mtime_ns, stat->ctime_ns, stat->inode, stat->device};
}

std::optional<SourceStat> stat_from_json(const json& value) {
  if (value.is_null()) return std::nullopt;
  return SourceStat{value.at(0).get<std::uint64_t>(), value.at(1).get<std::int64_t>(),
                    value.at(2).get<std::int64_t>(), value.at(3).get<std::uint64_t>(),
                    value.at(4).get<std::uint64_t>()};
}

}  // namespace venv2docker
