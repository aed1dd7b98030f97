#include <fstream>
#include <sstream>

#include "image/layout_index.h"
#include "image/oci_layout_source.h"
#include "util/error.h"

namespace venv2docker {

namespace fs = std::filesystem;

BaseImage read_oci_layout(const fs::path& dir, const std::optional<std::string>& tag, const PlatformRequest& platform,
                          const BlobStore& store, Reporter& reporter) {
  std::string where = "the OCI layout " + dir.string();
  std::ifstream index_file(dir / "index.json", std::ios::binary);
  if (!fs::is_directory(dir) || !index_file) {
    throw Error("cannot read " + (dir / "index.json").string(), "is " + dir.string() + " an OCI image layout?");
  }
  std::ostringstream index_json;
  index_json << index_file.rdbuf();
  if (index_json.str().size() > k_max_json_document) throw Error((dir / "index.json").string() + " is too large");

  auto fetch = [&](const Descriptor& blob) {
    // The digest was validated when parsed, so it is safe as a file name.
    store.import_file(dir / "blobs" / "sha256" / std::string(blob.digest.hex()), blob.digest, blob.size,
                      "blob " + blob.digest.str() + " of " + where);
  };
  BaseImage base{resolve_layout_image(index_json.str(), tag, platform, fetch, store, where, reporter),
                 "oci:" + dir.string(), false};
  if (tag) base.name += ":" + *tag;
  return base;
}

}  // namespace venv2docker
