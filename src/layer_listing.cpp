#include "layer_listing.h"

#include <archive.h>
#include <archive_entry.h>

#include <map>
#include <memory>

#include <nlohmann/json.hpp>

#include "file_bytes.h"
#include "atomic_file.h"
#include "venv2docker/error.h"

namespace venv2docker {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Bump when the listing's content or meaning changes: old records are ignored.
constexpr int k_format = 2;  // 2: apt and dpkg files keep their bytes

std::string read_all_data(struct archive* reader, std::uint64_t size) {
  std::string bytes(size, '\0');
  std::size_t filled = 0;
  la_ssize_t got = 0;
  while (filled < bytes.size() && (got = archive_read_data(reader, bytes.data() + filled, bytes.size() - filled)) > 0) {
    filled += static_cast<std::size_t>(got);
  }
  bytes.resize(filled);
  return bytes;
}

LayerListing scan_layer(const Digest& digest, const BlobStore& store) {
  struct ReaderDeleter {
    void operator()(struct archive* a) const { archive_read_free(a); }
  };
  std::unique_ptr<struct archive, ReaderDeleter> reader(archive_read_new());
  archive_read_support_filter_all(reader.get());
  archive_read_support_format_tar(reader.get());
  if (archive_read_open_filename(reader.get(), store.path_of(digest).c_str(), 1 << 20) != ARCHIVE_OK) {
    throw Error("cannot read layer " + digest.str() + " of the base image: " + archive_error_string(reader.get()));
  }
  LayerListing listing;
  std::map<std::string, std::size_t> position;  // for hard links, which name earlier members
  archive_entry* entry = nullptr;
  int status;
  while ((status = archive_read_next_header(reader.get(), &entry)) == ARCHIVE_OK) {
    std::string path = archive_entry_pathname(entry);
    IndexedFile file;
    if (const char* hardlink = archive_entry_hardlink(entry)) {
      // A hard link shares its target's data and metadata.
      if (auto target = position.find(hardlink); target != position.end()) file = listing[target->second].second;
    } else {
      auto type = archive_entry_filetype(entry);
      file.kind = type == AE_IFDIR ? EntryKind::directory : type == AE_IFLNK ? EntryKind::symlink : EntryKind::regular;
      if (file.kind == EntryKind::symlink) file.link_target = archive_entry_symlink(entry);
      file.size = static_cast<std::uint64_t>(archive_entry_size(entry));
      file.mode = archive_entry_perm(entry);
      if (file.kind == EntryKind::regular && wants_content(image_path_of(path), file.size)) {
        file.content = read_all_data(reader.get(), file.size);
      }
    }
    position[path] = listing.size();
    listing.emplace_back(std::move(path), std::move(file));
  }
  if (status != ARCHIVE_EOF) {
    throw Error("layer " + digest.str() + " of the base image is not a readable tar: " + archive_error_string(reader.get()));
  }
  return listing;
}

// CBOR keeps file contents as binary, which JSON text could not.
std::string encode(const LayerListing& listing) {
  json entries = json::array();
  for (const auto& [path, file] : listing) {
    json item = {path, static_cast<int>(file.kind), file.link_target, file.size, file.mode};
    if (file.content) item.push_back(json::binary(std::vector<std::uint8_t>(file.content->begin(), file.content->end())));
    entries.push_back(std::move(item));
  }
  auto bytes = json::to_cbor(json{{"format", k_format}, {"entries", entries}});
  return std::string(bytes.begin(), bytes.end());
}

std::optional<LayerListing> decode(const std::string& bytes) {
  json document = json::from_cbor(bytes, true, false);
  if (document.is_discarded() || document.value("format", 0) != k_format) return std::nullopt;
  LayerListing listing;
  for (const auto& item : document["entries"]) {
    IndexedFile file{static_cast<EntryKind>(item[1].get<int>()), item[2].get<std::string>(), item[3].get<std::uint64_t>(),
                     item[4].get<std::uint32_t>(), std::nullopt};
    if (item.size() > 5) {
      const auto& binary = item[5].get_binary();
      file.content = std::string(binary.begin(), binary.end());
    }
    listing.emplace_back(item[0].get<std::string>(), std::move(file));
  }
  return listing;
}

}  // namespace

LayerListing read_layer_listing(const Digest& digest, const BlobStore& store) {
  fs::path cached = store.record_path("listings", digest, ".cbor");
  if (std::optional<std::string> bytes = read_file_bytes(cached)) {
    try {
      if (auto listing = decode(*bytes)) return *listing;
    } catch (const json::exception&) {
      // A damaged record is rebuilt below.
    }
  }
  LayerListing listing = scan_layer(digest, store);
  std::error_code ec;
  fs::create_directories(cached.parent_path(), ec);
  try {
    write_file_atomically(cached, encode(listing));
  } catch (const Error&) {
    // The cache is an optimisation: a read-only cache folder must not fail the build.
  }
  return listing;
}

}  // namespace venv2docker
