// An Image whose blobs are in the BlobStore, written as an OCI image layout
// folder: the folder holds the old content or the new, never half of one.
#pragma once

#include <filesystem>
#include <string>

#include "image/image.h"
#include "image/image_index.h"
#include "store/blob_store.h"

namespace venv2docker {

/// Writes (or updates) an OCI image layout at `dir` holding `image` under
/// `tag` (annotation org.opencontainers.image.ref.name). Other images already
/// in the layout are kept; one with the same tag is replaced. Blobs are hard
/// links into the store where the file system allows.
void write_oci_layout(const Image& image, const BlobStore& store, const std::filesystem::path& dir,
                      const std::string& tag);

/// As write_oci_layout, with `tag` naming the index (the images' manifests,
/// configs and layers, and the index document, all as blobs): what skopeo,
/// containerd and crane read as a multi-platform image.
void write_oci_layout_index(const ImageIndex& index, const BlobStore& store, const std::filesystem::path& dir,
                            const std::string& tag);

/// Lists `artifact` (its blobs in `store`; its subject an image already in
/// the layout at `dir`) in the layout's index.json as a referrer: untagged,
/// with its artifactType (layout_referrers.h). Throws Error when the layout
/// is gone.
void add_layout_referrer(const Image& artifact, const BlobStore& store, const std::filesystem::path& dir);

}  // namespace venv2docker
