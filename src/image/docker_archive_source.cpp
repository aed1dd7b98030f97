#include <map>

#include "image/docker_archive_source.h"
#include "image/document_shape.h"
#include "image/layout_index.h"
#include "image/platform_choice.h"
#include "tar/archive_reader.h"
#include "util/error.h"
#include "util/file_bytes.h"

namespace venv2docker {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Member {
  Digest digest;
  std::uint64_t size;
};

// One pass over the archive: metadata documents kept in memory, every other
// file streamed into the store under its digest. Tar paths are only ever
// looked up in these maps, never used to touch the disk.
struct ArchiveContents {
  std::map<std::string, std::string> documents;
  std::map<std::string, Member> blobs;
};

bool is_document(const std::string& name, std::uint64_t size) {
  return size <= k_max_json_document &&
         (name == "manifest.json" || name == "index.json" || name == "oci-layout" || name == "repositories" ||
          name.ends_with(".json"));
}

std::string normalise_member_name(std::string name) {
  while (name.starts_with("./")) name.erase(0, 2);
  return name;
}

ArchiveContents read_archive(const fs::path& file, const BlobStore& store) {
  ArchiveReader reader = [&] {
    try {
      return ArchiveReader(file, ArchiveFormat::tar, file.string());
    } catch (const Error& error) {
      throw Error(error.what(), "docker-archive: needs a file written by `docker save` or venv2docker");
    }
  }();
  ArchiveContents contents;
  while (std::optional<ArchiveMember> entry = reader.next()) {
    if (entry->kind != ArchiveMember::Kind::regular) continue;
    std::string name = normalise_member_name(entry->path);
    bool document = is_document(name, entry->size);
    if (document) {
      std::string text = reader.read_all(k_max_json_document, name + " in " + file.string());
      contents.documents[name] = text;
      // Configs are referenced as blobs too (blobs/sha256/<hex> or <hex>.json).
      Digest digest = store.put(text);
      contents.blobs.emplace(name, Member{digest, text.size()});
    } else {
      BlobWriter blob = store.writer();
      reader.for_each_block([&](const char* data, std::size_t length) { blob.write(data, length); });
      std::uint64_t stored_size = blob.size();
      contents.blobs.emplace(name, Member{blob.commit(), stored_size});
    }
  }
  return contents;
}

const Member& member(const ArchiveContents& contents, const std::string& name, const std::string& where) {
  auto found = contents.blobs.find(normalise_member_name(name));
  if (found == contents.blobs.end()) throw Error(where + " names " + name + ", which is not in the archive");
  return found->second;
}

bool starts_with_gzip_magic(const fs::path& blob) {
  const std::optional<std::string> magic = read_file_head(blob, 2);
  return magic && *magic == "\x1f\x8b";
}

// `docker save` from before Docker 25: manifest.json only. Describe its
// blobs with an OCI manifest (uncompressed layers are legal there).
Image image_from_docker_manifest(const ArchiveContents& contents, const BlobStore& store, const std::string& where) {
  json manifests = parse_json(contents.documents.at("manifest.json"), "manifest.json of " + where);
  check_docker_archive_manifest_shape(manifests, "manifest.json of " + where);
  if (manifests.empty()) throw Error("manifest.json of " + where + " lists no image");
  if (manifests.size() > 1) throw Error(where + " holds several images", "save just one image into the archive");
  const json& entry = manifests[0];
  if (!entry.contains("Config") || !entry["Config"].is_string() || !entry.contains("Layers") || !entry["Layers"].is_array()) {
    throw Error("manifest.json of " + where + " has no Config or Layers");
  }
  const Member& config = member(contents, entry["Config"].get<std::string>(), "manifest.json of " + where);
  std::vector<Descriptor> layers;
  for (const auto& layer_name : entry["Layers"]) {
    if (!layer_name.is_string()) throw Error("manifest.json of " + where + " has a layer that is not a path");
    const Member& layer = member(contents, layer_name.get<std::string>(), "manifest.json of " + where);
    bool gzip = starts_with_gzip_magic(store.path_of(layer.digest));
    layers.push_back(Descriptor{std::string(gzip ? media_type::oci_layer_gzip : media_type::oci_layer_tar),
                                layer.digest, layer.size, {}, std::nullopt});
  }
  std::string raw_config = store.read(config.digest, k_max_json_document);
  std::string raw_manifest = image_manifest(MediaFamily::oci, raw_config, layers);
  store.put(raw_manifest);
  return image_from_documents(raw_manifest, std::move(raw_config), where);
}

}  // namespace

BaseImage read_docker_archive(const fs::path& file, const PlatformRequest& platform, const BlobStore& store,
                              Reporter& reporter) {
  std::string where = "the archive " + file.string();
  if (!fs::is_regular_file(file)) throw Error("cannot find " + file.string(), "docker-archive: needs an existing tar file");
  ArchiveContents contents = read_archive(file, store);
  BaseImage base;
  base.name = "docker-archive:" + file.string();
  if (contents.documents.contains("index.json") && contents.documents.contains("oci-layout")) {
    auto fetch = [&](const Descriptor& blob) {
      std::string name = "blobs/sha256/" + std::string(blob.digest.hex());
      if (!contents.blobs.contains(name)) {
        // `docker save` lists every platform of a multi-platform image but
        // keeps only those that were pulled.
        throw Error(where + " lacks the blob " + blob.digest.str() + " that its index names",
                    "if it is another platform's image, save the archive with that platform pulled, or pick one that "
                    "is there with --platform");
      }
      const Member& found = member(contents, name, where);
      if (found.digest != blob.digest || found.size != blob.size) {
        throw Error("blob " + blob.digest.str() + " in " + where + " does not match its digest or size",
                    "the archive is corrupt or was tampered with");
      }
    };
    std::optional<std::string> tag;  // an archive normally holds one image: take it whatever its tag
    base.image = resolve_layout_image(contents.documents["index.json"], tag, platform, fetch, fetch, store, where, reporter);
    return base;
  }
  if (!contents.documents.contains("manifest.json")) {
    throw Error(where + " has neither manifest.json nor index.json", "is it a `docker save` archive?");
  }
  // Without an index the config is the only word on the platform.
  base.image = image_from_docker_manifest(contents, store, where);
  check_base_platform(base.image, platform, where, reporter);
  return base;
}

}  // namespace venv2docker
