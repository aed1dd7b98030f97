// Referrers inside an OCI image layout: an artifact about an image (its SBOM,
// a signature) is listed in index.json beside the image, with its
// artifactType and no tag, as `oras attach --oci-layout` lists it. Readers
// that pick an image leave such entries out, and a writer drops those whose
// subject is no longer in the layout, so replacing a tag does not leave the
// old image's SBOM behind.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace venv2docker {

/// Whether an index.json entry lists an artifact rather than an image: its
/// descriptor says an artifactType (image-spec: set when the manifest has one).
bool is_referrer_entry(const nlohmann::json& entry);

/// `manifests` (index.json's entries) without the referrer entries whose
/// subject none of the other entries reaches: neither an entry itself nor,
/// for an index, one of its manifests. Blobs are read from `blob_folder`
/// (blobs/sha256 of the layout), bounded; an entry whose manifest cannot be
/// read or names no subject is kept, since it is not ours to judge.
nlohmann::json without_orphaned_referrers(const nlohmann::json& manifests, const std::filesystem::path& blob_folder);

/// Whether the layout at `dir` lists a referrer of `artifact_type` about
/// `subject`. Read without the layout's lock: it tells a build its SBOM is
/// already there, and the writer keeps what it finds in any case.
bool layout_has_referrer(const std::filesystem::path& dir, const std::string& subject, std::string_view artifact_type);

}  // namespace venv2docker
