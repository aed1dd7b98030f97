#include <cerrno>
#include <cstring>
#include <map>

#include "image/layout_index.h"
#include "image/oci_layout_source.h"
#include "util/error.h"
#include "util/file_bytes.h"

namespace venv2docker {

namespace fs = std::filesystem;

BaseImage read_oci_layout(const fs::path& dir, const std::optional<std::string>& tag, const PlatformRequest& platform,
                          const BlobStore& store, Reporter& reporter) {
  std::string where = "the OCI layout " + dir.string();
  const std::string hint = "is " + dir.string() + " an OCI image layout?";
  if (!fs::is_directory(dir)) throw Error("cannot read " + (dir / "index.json").string(), hint);
  const std::string index_json = read_whole_file(dir / "index.json", k_max_json_document, "", hint);

  // The digest was validated when parsed, so it is safe as a file name.
  auto file_of = [&](const Descriptor& blob) { return dir / "blobs" / "sha256" / std::string(blob.digest.hex()); };
  auto what = [&](const Descriptor& blob) { return "blob " + blob.digest.str() + " of " + where; };
  auto fetch = [&](const Descriptor& blob) { store.import_file(file_of(blob), blob.digest, blob.size, what(blob)); };
  std::map<Digest, LayerFile> layer_files;
  auto fetch_layer = [&](const Descriptor& blob) {
    if (store.has(blob.digest) && store.size_of(blob.digest) == blob.size) return;
    // Left for the file index, which stores and lists it in one read; a
    // layer that is not there at all is said now, before any long work.
    const UniqueFd readable = open_for_reading(file_of(blob));
    if (!readable) throw Error("cannot read " + what(blob) + " at " + file_of(blob).string() + ": " + std::strerror(errno));
    layer_files[blob.digest] = LayerFile{file_of(blob), what(blob)};
  };
  BaseImage base{resolve_layout_image(index_json, tag, platform, fetch, fetch_layer, store, where, reporter),
                 "oci:" + dir.string(), false, std::move(layer_files)};
  if (tag) base.name += ":" + *tag;
  return base;
}

}  // namespace venv2docker
