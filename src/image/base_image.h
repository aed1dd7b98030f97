// A base image as the build sees it, whatever it came from. Every source
// (scratch here; oci_layout_source.h, docker_archive_source.h and
// remote/registry_pull.h) yields an Image whose blobs are in the BlobStore, verified
// by digest on the way in, so later steps never care where the base came from.
#pragma once

#include <string>

#include "image/image.h"
#include "image/platform.h"
#include "store/blob_store.h"

namespace venv2docker {

struct BaseImage {
  Image image;
  /// For the org.opencontainers.image.base.name annotation (empty for scratch).
  std::string name;
  bool is_scratch = false;
};

/// The empty image: no layers, a minimal config for `platform`.
BaseImage scratch_image(const BlobStore& store, const Platform& platform = Platform::host());

}  // namespace venv2docker
