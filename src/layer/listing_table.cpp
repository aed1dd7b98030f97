#include "layer/listing_table.h"

#include <cstdint>

namespace venv2docker {

namespace {

constexpr std::uint8_t k_hardlink = 1;
constexpr std::uint8_t k_content = 2;

void put_integer(std::string& out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void put_bytes(std::string& out, std::string_view bytes) {
  put_integer(out, bytes.size(), 4);
  out.append(bytes);
}

// Reads the table front to back; every read says whether the bytes were there.
class TableReader {
 public:
  explicit TableReader(std::string_view table) : m_rest(table) {}

  bool done() const { return m_rest.empty(); }

  std::optional<std::uint64_t> integer(int bytes) {
    if (m_rest.size() < static_cast<std::size_t>(bytes)) return std::nullopt;
    std::uint64_t value = 0;
    for (int i = 0; i < bytes; ++i) value |= std::uint64_t{static_cast<unsigned char>(m_rest[i])} << (8 * i);
    m_rest.remove_prefix(static_cast<std::size_t>(bytes));
    return value;
  }

  std::optional<std::string> bytes() {
    const std::optional<std::uint64_t> size = integer(4);
    if (!size || *size > m_rest.size()) return std::nullopt;
    std::string value(m_rest.substr(0, *size));
    m_rest.remove_prefix(*size);
    return value;
  }

 private:
  std::string_view m_rest;
};

std::optional<std::pair<std::string, IndexedFile>> read_entry(TableReader& reader) {
  const std::optional<std::uint64_t> kind = reader.integer(1);
  const std::optional<std::uint64_t> flags = reader.integer(1);
  const std::optional<std::uint64_t> mode = reader.integer(4);
  const std::optional<std::uint64_t> size = reader.integer(8);
  if (!kind || !flags || !mode || !size) return std::nullopt;
  if (*kind > static_cast<std::uint64_t>(EntryKind::symlink) || (*flags & ~std::uint64_t{k_hardlink | k_content})) {
    return std::nullopt;
  }
  std::optional<std::string> path = reader.bytes();
  std::optional<std::string> link_target = reader.bytes();
  if (!path || !link_target) return std::nullopt;
  IndexedFile file{static_cast<EntryKind>(*kind), std::move(*link_target), *size, static_cast<std::uint32_t>(*mode),
                   std::nullopt, std::nullopt};
  if (*flags & k_hardlink) {
    if (!(file.hardlink_to = reader.bytes())) return std::nullopt;
  }
  if (*flags & k_content) {
    if (!(file.content = reader.bytes())) return std::nullopt;
  }
  return std::pair{std::move(*path), std::move(file)};
}

}  // namespace

std::string pack_listing(const LayerListing& listing) {
  std::string table;
  for (const auto& [path, file] : listing) {
    put_integer(table, static_cast<std::uint64_t>(file.kind), 1);
    put_integer(table, (file.hardlink_to ? k_hardlink : 0) | (file.content ? k_content : 0), 1);
    put_integer(table, file.mode, 4);
    put_integer(table, file.size, 8);
    put_bytes(table, path);
    put_bytes(table, file.link_target);
    if (file.hardlink_to) put_bytes(table, *file.hardlink_to);
    if (file.content) put_bytes(table, *file.content);
  }
  return table;
}

std::optional<LayerListing> unpack_listing(std::string_view table) {
  LayerListing listing;
  TableReader reader(table);
  while (!reader.done()) {
    std::optional<std::pair<std::string, IndexedFile>> entry = read_entry(reader);
    if (!entry) return std::nullopt;
    listing.push_back(std::move(*entry));
  }
  return listing;
}

}  // namespace venv2docker
