// OCI 1.1 artifacts: an image manifest with its own artifactType, the empty
// config and blobs as its layers, and, for a referrer (an SBOM, a
// signature), the manifest it is about as its subject.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "image/image.h"
#include "store/blob_store.h"

namespace venv2docker {

/// The empty config of an artifact ("{}", image-spec 1.1).
inline constexpr std::string_view k_empty_config_media_type = "application/vnd.oci.empty.v1+json";

/// The artifact of `artifact_type` whose layers are `blobs` (in `store`, or
/// wherever the caller will take them from), about `subject` when given. Its
/// config "{}" is put in `store`. Canonical JSON: the same parts, the same digest.
Image artifact_manifest(std::string_view artifact_type, const std::vector<Descriptor>& blobs,
                        const std::optional<Descriptor>& subject, const BlobStore& store);

/// The descriptor that lists `artifact` in an index (a layout's index.json,
/// a referrers index): its manifest's, with its artifactType, as the
/// referrers API lists it.
nlohmann::json referrer_descriptor(const Image& artifact);

}  // namespace venv2docker
