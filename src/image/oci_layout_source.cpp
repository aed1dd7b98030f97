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

  auto fetch = [&](const Descriptor& blob) {
    // The digest was validated when parsed, so it is safe as a file name.
    store.import_file(dir / "blobs" / "sha256" / std::string(blob.digest.hex()), blob.digest, blob.size,
                      "blob " + blob.digest.str() + " of " + where);
  };
  BaseImage base{resolve_layout_image(index_json, tag, platform, fetch, store, where, reporter),
                 "oci:" + dir.string(), false};
  if (tag) base.name += ":" + *tag;
  return base;
}

}  // namespace venv2docker
