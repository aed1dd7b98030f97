// write_oci_layout: runs that write one layout take turns under a lock beside
// it (<layout>.lock, so the lock never enters the layout) and read the index
// again under the lock, so the tags other runs wrote survive. Blobs are named
// by their digest: adding one changes nothing a reader relies on. The index is
// the one file whose change matters, and one rename replaces it, so a reader
// or a killed run sees the old index or the new one, never none. A new layout
// is built aside and moved in whole (AtomicDirectory). A referrer (the
// image's SBOM) is one more index entry, written as an image is.
#include <system_error>

#include "image/artifact_manifest.h"
#include "image/document_shape.h"
#include "image/layout_referrers.h"
#include "image/oci_index.h"
#include "image/oci_layout_writer.h"
#include "image/reference.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/file_bytes.h"
#include "util/file_lock.h"
#include "util/temporary_path.h"
#include "util/test_kill_point.h"

namespace venv2docker {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// What an existing layout at the destination holds that the new index keeps.
struct ExistingLayout {
  bool present = false;            // an OCI layout is there (not nothing, not an empty folder)
  json manifests = json::array();  // index.json's entries, as they are
  std::string index_bytes;         // its index.json as it is
};

std::string read_layout_document(const fs::path& file) {
  return read_whole_file(file, k_max_json_document, "", "is this really an OCI image layout?");
}

void refuse_to_replace(const fs::path& dir, const std::string& why) {
  throw Error("refusing to replace " + dir.string() + ": " + why,
              "write the OCI layout to a new or empty folder, or move this one away");
}

ExistingLayout read_existing_layout(const fs::path& dir) {
  ExistingLayout existing;
  std::error_code ec;
  fs::file_status status = fs::status(dir, ec);
  if (!fs::exists(status)) return existing;
  if (!fs::is_directory(status)) refuse_to_replace(dir, "it exists and is not a folder");
  if (fs::is_empty(dir, ec)) return existing;
  if (!fs::is_regular_file(dir / "oci-layout")) {
    refuse_to_replace(dir, "it is not empty and is not an OCI image layout (it has no oci-layout file)");
  }
  existing.present = true;
  json version = parse_json(read_layout_document(dir / "oci-layout"), (dir / "oci-layout").string());
  if (!version.is_object() || version.value("imageLayoutVersion", json()) != "1.0.0") {
    refuse_to_replace(dir, "its oci-layout file does not say imageLayoutVersion 1.0.0");
  }
  if (!fs::is_regular_file(dir / "index.json")) refuse_to_replace(dir, "it has an oci-layout file but no index.json");
  existing.index_bytes = read_layout_document(dir / "index.json");
  const json index = parse_json(existing.index_bytes, (dir / "index.json").string());
  // Checked as every index we read is, so the entries kept verbatim are descriptors.
  check_index_shape(index, (dir / "index.json").string());
  existing.manifests = index["manifests"];
  return existing;
}

// Whether `kept` is what `entry` replaces: the entry under `tag`, or for a
// referrer (no tag) the same referrer listed before.
bool is_replaced(const json& kept, const json& entry, const std::optional<std::string>& tag) {
  if (!tag) return is_referrer_entry(kept) && kept.value("digest", "") == entry.value("digest", "");
  const json annotations = kept.value("annotations", json::object());
  return annotations.is_object() && annotations.value(annotation::ref_name, json()) == *tag;
}

// The entries with `entry` in the place of the one it replaces (others under
// the same tag dropped), or after them all: a rebuild of the same image gives
// the same index. Every other entry stays as it is, fields we do not know included.
json with_entry(json existing, json entry, const std::optional<std::string>& tag) {
  json manifests = json::array();
  bool placed = false;
  for (json& kept : existing) {
    if (!is_replaced(kept, entry, tag)) {
      manifests.push_back(std::move(kept));
    } else if (!placed) {
      manifests.push_back(entry);
      placed = true;
    }
  }
  if (!placed) manifests.push_back(std::move(entry));
  return manifests;
}

// The tag becomes a JSON value only, but anything Docker would not accept as
// a tag would make the layout unusable with docker-style tools.
void check_tag(const std::string& tag, const fs::path& dir) {
  auto probe = Reference::parse("localhost/probe:" + tag);
  if (!probe || probe->tag != tag || probe->digest) {
    throw Error("cannot tag the image \"" + tag.substr(0, 80) + "\" in the OCI layout " + dir.string(),
                "a tag takes 1 to 128 letters, digits, '_', '.' and '-', and cannot start with '.' or '-'");
  }
}

// "out/" means "out": the lock and the swap name the folder itself.
fs::path folder_itself(fs::path dir) {
  while (!dir.has_filename() && dir.has_parent_path() && dir != dir.root_path()) dir = dir.parent_path();
  return dir;
}

fs::path parent_or_current(const fs::path& path) { return path.has_parent_path() ? path.parent_path() : fs::path("."); }

// Temporaries of killed runs: beside the layout (a new layout being built)
// and inside it (an index or a copied blob not yet renamed).
void sweep_layout_temporaries(const fs::path& dir) {
  sweep_dead_temporaries(parent_or_current(dir));
  sweep_dead_temporaries(dir);
  sweep_dead_temporaries(dir / "blobs" / "sha256");
}

// The blobs first, the index last: until its rename, the old index stands.
// An index that already says what the new one would (a rebuild with nothing
// changed) is left as it is: rewriting it would change nothing but its
// timestamps, at the price of a write, a rename and two syncs.
void write_contents(const fs::path& folder, const std::map<Digest, std::uint64_t>& blobs, const BlobStore& store,
                    const json& manifests, const std::string& index_bytes = {}) {
  fs::path blob_folder = folder / "blobs" / "sha256";
  std::error_code ec;
  fs::create_directories(blob_folder, ec);
  if (ec) throw Error("cannot create " + blob_folder.string() + ": " + ec.message());
  for (const auto& [digest, size] : blobs) store.link_to(digest, blob_folder / std::string(digest.hex()));
  if (!fs::is_regular_file(folder / "oci-layout")) write_file_atomically(folder / "oci-layout", k_oci_layout_document);
  const std::string document = index_document(manifests);
  if (document == index_bytes) return;
  AtomicFile index(folder / "index.json");
  index.write(document);
  test_kill_point("layout-index");
  index.commit();
}

}  // namespace

namespace {

// Under the layout's lock: writes `blobs` (all in the store) and the index
// with `entry` (with_entry), dropping referrers whose image is gone.
void write_entry(json entry, const std::map<Digest, std::uint64_t>& blobs, const BlobStore& store,
                 const fs::path& dir, const std::optional<std::string>& tag) {
  std::error_code ec;
  fs::create_directories(parent_or_current(dir), ec);
  if (ec) throw Error("cannot create the folder of the OCI layout " + dir.string() + ": " + ec.message());
  FileLock lock(parent_or_current(dir) / (dir.filename().string() + ".lock"));
  sweep_layout_temporaries(dir);
  ExistingLayout existing = read_existing_layout(dir);
  if (!tag && !existing.present) {
    throw Error("the OCI layout " + dir.string() + " is gone: its image's SBOM has nowhere to go",
                "was the layout moved or deleted while venv2docker ran? run the build again");
  }
  json manifests = with_entry(std::move(existing.manifests), std::move(entry), tag);
  if (existing.present) {
    write_contents(dir, blobs, store, without_orphaned_referrers(manifests, dir / "blobs" / "sha256"),
                   existing.index_bytes);
    return;
  }
  AtomicDirectory fresh(dir);
  write_contents(fresh.path(), blobs, store, manifests);
  fresh.commit();
}

}  // namespace

void write_oci_layout(const Image& image, const BlobStore& store, const fs::path& requested, const std::string& tag) {
  const fs::path dir = folder_itself(requested);
  check_tag(tag, dir);
  // Everything that can fail for lack of input fails before the disk is touched.
  std::map<Digest, std::uint64_t> blobs = stage_image_blobs(image, store);
  write_entry(index_entry(image, {{annotation::ref_name, tag}}), blobs, store, dir, tag);
}

void write_oci_layout_index(const ImageIndex& index, const BlobStore& store, const fs::path& requested,
                            const std::string& tag) {
  const fs::path dir = folder_itself(requested);
  check_tag(tag, dir);
  std::map<Digest, std::uint64_t> blobs;
  for (const Image& image : index.images) blobs.merge(stage_image_blobs(image, store));
  blobs.emplace(store.put(index.raw), index.raw.size());
  Descriptor entry = index.descriptor();
  entry.annotations = {{annotation::ref_name, tag}};
  write_entry(to_json(entry), blobs, store, dir, tag);
}

void add_layout_referrer(const Image& artifact, const BlobStore& store, const fs::path& requested) {
  write_entry(referrer_descriptor(artifact), stage_image_blobs(artifact, store), store, folder_itself(requested),
              std::nullopt);
}

}  // namespace venv2docker
