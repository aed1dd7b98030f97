#include "layer/layer_listing.h"

#include <map>
#include <memory>

#include <nlohmann/json.hpp>

#include "tar/archive_reader.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/file_bytes.h"

namespace venv2docker {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Bump when the listing's content or meaning changes: old records are ignored.
constexpr int k_format = 4;  // 3: names as stored (pax records not converted); hard links to lower layers
                             // 4: a hard link's target keyed as Docker cleans it ("./a/./b" is "/a/b")

LayerListing scan_layer(const Digest& digest, const BlobStore& store) {
  ArchiveReader reader(store.path_of(digest), ArchiveFormat::tar, "layer " + digest.str() + " of the base image");
  LayerListing listing;
  std::map<std::string, std::size_t> position;  // for hard links, which name earlier members
  while (std::optional<ArchiveMember> member = reader.next()) {
    IndexedFile file;
    if (member->kind == ArchiveMember::Kind::hardlink) {
      // A hard link shares its target's data and metadata; a target in a
      // lower layer (as Docker writes them) is for the index to resolve.
      if (auto target = position.find(member->link_target); target != position.end()) {
        file = listing[target->second].second;
      } else {
        file.hardlink_to = image_path_of(member->link_target);
      }
    } else {
      file.kind = member->kind == ArchiveMember::Kind::directory ? EntryKind::directory
                  : member->kind == ArchiveMember::Kind::symlink ? EntryKind::symlink
                                                                 : EntryKind::regular;
      file.link_target = member->link_target;
      file.size = member->size;
      file.mode = member->mode;
      if (file.kind == EntryKind::regular && wants_content(image_path_of(member->path), file.size)) {
        file.content = reader.read_all(file.size, member->path + " in " + reader.what());
      }
    }
    position[member->path] = listing.size();
    listing.emplace_back(std::move(member->path), std::move(file));
  }
  return listing;
}

// CBOR keeps file contents as binary, which JSON text could not.
std::string encode(const LayerListing& listing) {
  json entries = json::array();
  for (const auto& [path, file] : listing) {
    json item = {path, static_cast<int>(file.kind), file.link_target, file.size, file.mode,
                 file.hardlink_to ? json(*file.hardlink_to) : json(nullptr)};
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
                     item[4].get<std::uint32_t>(), std::nullopt, std::nullopt};
    if (!item[5].is_null()) file.hardlink_to = item[5].get<std::string>();
    if (item.size() > 6) {
      const auto& binary = item[6].get_binary();
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
