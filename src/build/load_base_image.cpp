#include "build/load_base_image.h"

#include <algorithm>

#include "compat/compat_check.h"
#include "debian/apt_base_config.h"
#include "image/docker_archive_source.h"
#include "image/layout_reference.h"
#include "image/oci_layout_source.h"
#include "image/reference.h"
#include "layer/layer_import.h"
#include "layer/layer_listing.h"
#include "remote/registry_pull.h"
#include "util/error.h"

namespace venv2docker {

BaseImage load_base_image(const std::string& base, const PlatformRequest& platform, const BlobStore& store,
                          const RegistryOptions& registry, Reporter& reporter,
                          const std::function<bool(const Digest&)>& skip_layer) {
  if (base == "scratch") return scratch_image(store, platform.platform);
  if (base.starts_with("oci:")) {
    auto [dir, tag] = split_layout_reference(base.substr(4));
    if (dir.empty()) throw UsageError("--base oci: needs a folder, as in oci:DIR[:TAG]");
    return read_oci_layout(dir, tag, platform, store, reporter);
  }
  if (base.starts_with("docker-archive:")) {
    std::string file = base.substr(15);
    if (file.empty()) throw UsageError("--base docker-archive: needs a file, as in docker-archive:FILE");
    return read_docker_archive(file, platform, store, reporter);
  }
  auto reference = Reference::parse(base);
  if (!reference) {
    throw UsageError("--base \"" + base + "\" is not an image reference",
                     "use a registry reference (python:3.11-slim, localhost:5000/x:tag, name@sha256:...), "
                     "oci:DIR[:TAG], docker-archive:FILE or scratch");
  }
  // Each layer listed while it downloads, so the file index finds it cached.
  const ContentSelection contents = base_content_selection();
  return pull_image(*reference, registry, platform, store, reporter, skip_layer,
                    [&](const Descriptor& layer) { return listing_tap(layer, contents, store); });
}

bool is_registry_base(const std::string& base) {
  return base != "scratch" && !base.starts_with("oci:") && !base.starts_with("docker-archive:");
}

ContentSelection base_content_selection() {
  ContentSelection contents = checked_contents();
  contents.add(debian::apt_config_contents());
  return contents;
}

FileIndex base_file_index(const BaseImage& base, const BlobStore& store, const ReadWatch& watch,
                          LocalLayerUse local_use) {
  return FileIndex::of_image(base.image, base_content_selection(), store, watch, base.layer_files, local_use);
}

bool base_files_recorded(const BaseImage& base, const BlobStore& store, LocalLayerUse local_use) {
  return std::all_of(base.image.layers.begin(), base.image.layers.end(), [&](const Layer& layer) {
    const Digest& digest = layer.blob.digest;
    // A layer of a local source not yet in the store is imported as it is listed.
    const bool to_import =
        local_use == LocalLayerUse::stored && base.layer_files.contains(digest) && !store.has(digest);
    return !to_import && listing_record_exists(digest, store);
  });
}

}  // namespace venv2docker
