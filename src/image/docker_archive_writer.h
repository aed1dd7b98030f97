// An Image whose blobs are in the BlobStore, written as one tar that docker,
// podman and OCI tools all load: the file holds the old content or the new,
// never half of one.
#pragma once

#include <filesystem>

#include "image/image.h"
#include "image/reference.h"
#include "store/blob_store.h"

namespace venv2docker {

/// Writes ONE tar that is both an OCI image layout (oci-layout, index.json
/// annotated with io.containerd.image.name and org.opencontainers.image.ref.name)
/// and a `docker save` archive (manifest.json with RepoTags, repositories), with
/// the blobs under blobs/sha256/, so every docker and podman can load it.
void write_docker_archive(const Image& image, const BlobStore& store, const std::filesystem::path& file,
                          const Reference& name);

}  // namespace venv2docker
