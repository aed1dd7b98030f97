// Writers that turn an Image whose blobs are in the BlobStore into files.
// Every writer is atomic: the destination holds the old content or the new,
// never half of one.
#pragma once

#include <filesystem>
#include <string>

#include "venv2docker/blob_store.h"
#include "venv2docker/image.h"
#include "venv2docker/reference.h"

namespace venv2docker {

/// Writes (or updates) an OCI image layout at `dir` holding `image` under
/// `tag` (annotation org.opencontainers.image.ref.name). Other images already
/// in the layout are kept; one with the same tag is replaced. Blobs are hard
/// links into the store where the file system allows.
void write_oci_layout(const Image& image, const BlobStore& store, const std::filesystem::path& dir,
                      const std::string& tag);

/// Writes ONE tar that is both an OCI image layout (oci-layout, index.json
/// annotated with io.containerd.image.name and org.opencontainers.image.ref.name)
/// and a `docker save` archive (manifest.json with RepoTags, repositories), with
/// the blobs under blobs/sha256/, so every docker and podman can load it.
void write_docker_archive(const Image& image, const BlobStore& store, const std::filesystem::path& file,
                          const Reference& name);

}  // namespace venv2docker
