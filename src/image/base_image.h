// A base image as the build sees it, whatever it came from. Every source
// (scratch here; oci_layout_source.h, docker_archive_source.h and
// remote/registry_pull.h) yields an Image whose blobs are in the BlobStore, verified
// by digest on the way in, so later steps never care where the base came from;
// an OCI layout's layers get there as the file index reads them (layer_files).
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "image/image.h"
#include "image/platform.h"
#include "store/blob_store.h"

namespace venv2docker {

/// A layer's blob outside the store: the file that holds it, and how errors name it.
struct LayerFile {
  std::filesystem::path path;
  std::string what;
};

struct BaseImage {
  Image image;
  /// For the org.opencontainers.image.base.name annotation (empty for scratch).
  std::string name;
  bool is_scratch = false;
  /// Layers not in the store yet, by digest (an OCI layout's): the base's file
  /// index (layer/file_index.h) stores each as it lists it, in one read, and
  /// nothing reads the base's layers from the store before that index is made.
  std::map<Digest, LayerFile> layer_files = {};
};

/// The empty image: no layers, a minimal config for `platform`.
BaseImage scratch_image(const BlobStore& store, const Platform& platform = Platform::host());

}  // namespace venv2docker
