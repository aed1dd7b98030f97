// A Docker v2 image described in OCI terms, as `skopeo copy` describes one it
// copies to an oci: layout: the manifest and its descriptors change, never a
// blob. Every image venv2docker writes is OCI end to end (docs/images.md), so
// a Docker base is converted before new layers go on top of it.
#pragma once

#include <string>

#include "image/image.h"

namespace venv2docker {

/// The OCI media type of a layer of either family: Docker's gzip, plain and
/// zstd tar layers become the OCI types of the same compression, OCI types
/// stay. Throws Error naming `where` for Docker's foreign (non-distributable)
/// layers, which only Windows bases use and whose blobs no registry serves,
/// and for any type that is not a layer.
std::string oci_layer_media_type(const std::string& media_type, const std::string& where);

/// `image` with an OCI manifest: the OCI manifest and config media types, each
/// layer's type mapped by oci_layer_media_type, digests and sizes unchanged.
/// The config bytes are kept as they are (skopeo rewrites them through the
/// OCI config struct, dropping Docker-only fields such as Healthcheck, which
/// Docker still reads from an OCI image's config). An OCI image is returned
/// unchanged. Throws Error naming `where`.
Image as_oci_image(const Image& image, const std::string& where);

}  // namespace venv2docker
