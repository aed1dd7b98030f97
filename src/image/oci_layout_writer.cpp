// write_oci_layout: the layout is rebuilt beside `dir` and swapped in whole,
// carrying over what the old layout held, so readers never see a half-written
// index and an interrupted run loses nothing.
#include <system_error>
#include <vector>

#include "image/oci_index.h"
#include "image/oci_layout_writer.h"
#include "image/reference.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/file_bytes.h"

namespace venv2docker {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// What an existing layout at the destination holds that the new one keeps.
struct ExistingLayout {
  json other_manifests = json::array();  // index.json entries under other tags (or none)
  fs::path blob_folder;                  // its blobs/sha256, empty when there is none
};

std::string read_layout_document(const fs::path& file) {
  return read_whole_file(file, k_max_json_document, "", "is this really an OCI image layout?");
}

// The folder's entries, with failures as Error rather than filesystem_error.
std::vector<fs::directory_entry> list_folder(const fs::path& dir) {
  std::vector<fs::directory_entry> entries;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) entries.push_back(*it);
  if (ec) throw Error("cannot list " + dir.string() + ": " + ec.message());
  return entries;
}

void refuse_to_replace(const fs::path& dir, const std::string& why) {
  throw Error("refusing to replace " + dir.string() + ": " + why,
              "write the OCI layout to a new or empty folder, or move this one away");
}

// The swap replaces the whole folder, so anything in it that the new layout
// would not carry over must stop the write rather than be deleted.
void check_nothing_would_be_lost(const fs::path& dir) {
  for (const auto& entry : list_folder(dir)) {
    std::string name = entry.path().filename().string();
    if (name != "oci-layout" && name != "index.json" && name != "blobs") {
      refuse_to_replace(dir, "it holds " + name + ", which is not part of an OCI image layout");
    }
  }
  if (!fs::is_directory(dir / "blobs")) return;
  for (const auto& entry : list_folder(dir / "blobs")) {
    if (entry.path().filename() != "sha256") {
      refuse_to_replace(dir, "it holds blobs/" + entry.path().filename().string() +
                                 ", blobs of an algorithm venv2docker cannot carry over");
    }
  }
}

ExistingLayout read_existing_layout(const fs::path& dir, const std::string& tag) {
  ExistingLayout existing;
  std::error_code ec;
  fs::file_status status = fs::status(dir, ec);
  if (!fs::exists(status)) return existing;
  if (!fs::is_directory(status)) refuse_to_replace(dir, "it exists and is not a folder");
  if (fs::is_empty(dir, ec)) return existing;
  if (!fs::is_regular_file(dir / "oci-layout")) {
    refuse_to_replace(dir, "it is not empty and is not an OCI image layout (it has no oci-layout file)");
  }
  check_nothing_would_be_lost(dir);

  json version = parse_json(read_layout_document(dir / "oci-layout"), (dir / "oci-layout").string());
  if (!version.is_object() || version.value("imageLayoutVersion", json()) != "1.0.0") {
    refuse_to_replace(dir, "its oci-layout file does not say imageLayoutVersion 1.0.0");
  }
  if (!fs::is_regular_file(dir / "index.json")) refuse_to_replace(dir, "it has an oci-layout file but no index.json");
  json index = parse_json(read_layout_document(dir / "index.json"), (dir / "index.json").string());
  if (!index.is_object() || !index.contains("manifests") || !index["manifests"].is_array()) {
    refuse_to_replace(dir, "its index.json has no manifests list");
  }
  for (const auto& entry : index["manifests"]) {
    if (!entry.is_object()) refuse_to_replace(dir, "its index.json lists a manifest that is not a descriptor");
    // The entry under our tag is the one being replaced; all others stay as
    // they are, fields we do not know included.
    const json annotations = entry.value("annotations", json::object());
    if (annotations.is_object() && annotations.value(annotation::ref_name, json()) == tag) continue;
    existing.other_manifests.push_back(entry);
  }
  if (fs::is_directory(dir / "blobs" / "sha256")) existing.blob_folder = dir / "blobs" / "sha256";
  return existing;
}

// Hard link where possible (same file system: free and instant), else copy.
void link_or_copy(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  if (!fs::is_symlink(from, ec)) {
    fs::create_hard_link(from, to, ec);
    if (!ec) return;
  }
  // A symlinked blob is copied: its target may not be reachable from the new folder.
  fs::copy_file(from, to, ec);
  if (ec) throw Error("cannot carry " + from.string() + " over into the new layout: " + ec.message(), "is the disk full?");
}

// Every blob of the old layout comes along, not only those its kept manifests
// name: other tools may rely on them (nested indexes, referrers, signatures).
void carry_over_blobs(const fs::path& old_blobs, const fs::path& new_blobs) {
  if (old_blobs.empty()) return;
  for (const auto& entry : list_folder(old_blobs)) {
    // Only names a digest could have: anything else is a leftover temporary
    // file of some tool, and never a name to build a path from.
    std::string name = entry.path().filename().string();
    std::error_code ec;
    if (!Digest::parse("sha256:" + name) || !entry.is_regular_file(ec)) continue;
    // A blob the store provided already has the same name and bytes.
    if (fs::exists(new_blobs / name)) continue;
    link_or_copy(entry.path(), new_blobs / name);
  }
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

}  // namespace

void write_oci_layout(const Image& image, const BlobStore& store, const fs::path& dir, const std::string& tag) {
  check_tag(tag, dir);
  // Everything that can fail for lack of input fails before the disk is touched.
  std::map<Digest, std::uint64_t> blobs = stage_image_blobs(image, store);
  ExistingLayout existing = read_existing_layout(dir, tag);

  AtomicDirectory layout(dir);
  fs::path blob_folder = layout.path() / "blobs" / "sha256";
  std::error_code ec;
  fs::create_directories(blob_folder, ec);
  if (ec) throw Error("cannot create " + blob_folder.string() + ": " + ec.message());
  // This image's blobs first, from the store; old ones only fill the gaps.
  for (const auto& [digest, size] : blobs) store.link_to(digest, blob_folder / std::string(digest.hex()));
  carry_over_blobs(existing.blob_folder, blob_folder);

  json manifests = std::move(existing.other_manifests);
  manifests.push_back(index_entry(image, {{annotation::ref_name, tag}}));
  write_file_atomically(layout.path() / "oci-layout", k_oci_layout_document);
  write_file_atomically(layout.path() / "index.json", index_document(manifests));
  layout.commit();
}

}  // namespace venv2docker
