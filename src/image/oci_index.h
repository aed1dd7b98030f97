// What the two image writers share: the documents at the top of an OCI image
// layout (oci-layout, index.json) and the set of blobs an image consists of.
// Both the layout folder and the docker-archive tar are OCI layouts, so they
// must describe an image the same way.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "image/image.h"
#include "store/blob_store.h"

namespace venv2docker {

namespace annotation {
/// The tag of an image inside a layout (image-spec annotations.md).
inline constexpr const char* ref_name = "org.opencontainers.image.ref.name";
/// The full name containerd (and Docker's containerd store) gives a loaded image.
inline constexpr const char* containerd_image_name = "io.containerd.image.name";
}  // namespace annotation

/// The whole `oci-layout` file: the one layout version there is.
inline constexpr std::string_view k_oci_layout_document = R"({"imageLayoutVersion":"1.0.0"})";

/// index.json's entry for `image`: its manifest's own descriptor (media type,
/// digest, size of the exact manifest bytes) carrying `annotations`.
nlohmann::json index_entry(const Image& image, const std::map<std::string, std::string>& annotations);

/// index.json listing `manifests` (a JSON array of descriptors), serialised
/// with canonical_json so the same content always gives the same bytes.
std::string index_document(const nlohmann::json& manifests);

/// Makes sure the store holds every blob of `image` before anything is
/// written: stores the manifest and config bytes exactly as they are (their
/// digests are of those bytes) and checks each layer is present with the size
/// its descriptor says. Returns digest -> size for manifest, config and
/// layers, each blob once, in digest order. Throws Error naming a missing or
/// truncated layer.
std::map<Digest, std::uint64_t> stage_image_blobs(const Image& image, const BlobStore& store);

}  // namespace venv2docker
