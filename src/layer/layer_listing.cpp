#include "layer/layer_listing.h"

#include <map>
#include <memory>

#include <nlohmann/json.hpp>

#include "layer/listing_table.h"
#include "store/cache_record.h"
#include "tar/archive_reader.h"
#include "tar/image_path.h"
#include "util/error.h"

namespace venv2docker {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Bump when the listing's content or meaning changes: old records are ignored.
// As large as a layer's names and the contents the index keeps can be.
constexpr CacheRecordKind k_listing_record{"layer-listing", 7, std::size_t{1} << 30};

// A tar header's block, counted with each member's data for progress.
constexpr std::uint64_t k_tar_block = 512;

// The record keeps the selection its contents follow (another one lists
// again) and the entries packed (layer/listing_table.h).
json encode(const LayerListing& listing, const ContentSelection& contents) {
  return json{{"contents", cache_bytes_list(contents.patterns())}, {"table", cache_bytes(pack_listing(listing))}};
}

std::optional<LayerListing> decode(const json& body, const ContentSelection& contents) {
  if (!body.is_object() || !body.contains("contents") || !body.contains("table")) return std::nullopt;
  const json& table = body.at("table");
  if (!table.is_binary()) return std::nullopt;
  try {
    if (bytes_list_from_cache(body.at("contents")) != contents.patterns()) return std::nullopt;
  } catch (const json::exception&) {
    return std::nullopt;  // a damaged record is rebuilt
  }
  const json::binary_t& bytes = table.get_binary();
  return unpack_listing(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

}  // namespace

void require_selected_bytes_within(std::uint64_t bytes, const std::string& where) {
  if (bytes <= k_max_selected_bytes) return;
  throw Error("the files the checks and --apt read from the base image (such as under /etc/apt and "
              "/usr/share/keyrings) hold more than " + std::to_string(k_max_selected_bytes >> 20) + " MiB in " + where,
              "a base with this much apt configuration is broken or hostile; use another base");
}

LayerListing list_members(ArchiveReader& reader, const ContentSelection& contents, const ReadWatch& watch) {
  LayerListing listing;
  std::map<std::string, std::size_t> position;  // for hard links, which name earlier members
  std::uint64_t content_bytes = 0;
  while (std::optional<ArchiveMember> member = reader.next()) {
    if (watch.cancelled && watch.cancelled->load(std::memory_order_relaxed)) {
      throw Error("reading " + reader.what() + " cancelled");
    }
    if (watch.bytes_read) watch.bytes_read->fetch_add(k_tar_block + member->size, std::memory_order_relaxed);
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
      if (file.kind == EntryKind::regular && contents.selects(image_path_of(member->path), file.size)) {
        file.content = reader.read_all(file.size, member->path + " in " + reader.what());
        content_bytes += file.content->size();
        require_selected_bytes_within(content_bytes, reader.what());
      }
    }
    position[member->path] = listing.size();
    listing.emplace_back(std::move(member->path), std::move(file));
  }
  return listing;
}

std::optional<json> cached_listing_body(const Digest& digest, const ContentSelection& contents,
                                       const BlobStore& store) {
  std::optional<json> body = read_cache_record(cache_record_path(store.root(), "listings", digest), k_listing_record);
  if (!body || !decode(*body, contents)) return std::nullopt;
  return body;
}

bool adopt_listing_body(const Digest& digest, const json& body, const ContentSelection& contents,
                        const BlobStore& store) {
  // Checked as a record read back would be: one that does not decode would
  // send the index to a layer this build did not download.
  if (!decode(body, contents)) return false;
  return write_cache_record(cache_record_path(store.root(), "listings", digest), k_listing_record, body);
}

std::optional<LayerListing> cached_layer_listing(const Digest& digest, const ContentSelection& contents,
                                                 const BlobStore& store) {
  std::optional<json> body = read_cache_record(cache_record_path(store.root(), "listings", digest), k_listing_record);
  if (!body) return std::nullopt;
  return decode(*body, contents);
}

bool listing_record_exists(const Digest& digest, const BlobStore& store) {
  std::error_code error;
  return fs::is_regular_file(fs::symlink_status(cache_record_path(store.root(), "listings", digest), error));
}

void keep_layer_listing(const Digest& digest, const LayerListing& listing, const ContentSelection& contents,
                        const BlobStore& store) {
  write_cache_record(cache_record_path(store.root(), "listings", digest), k_listing_record, encode(listing, contents));
}

LayerListing read_layer_listing(const Digest& digest, const ContentSelection& contents, const BlobStore& store,
                                const ReadWatch& watch) {
  if (std::optional<LayerListing> cached = cached_layer_listing(digest, contents, store)) return std::move(*cached);
  ArchiveReader reader(store.path_of(digest), ArchiveFormat::tar, "layer " + digest.str() + " of the base image");
  LayerListing listing = list_members(reader, contents, watch);
  keep_layer_listing(digest, listing, contents, store);
  return listing;
}

}  // namespace venv2docker
