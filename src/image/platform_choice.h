// Choosing by platform, for every base source: the entry of an image index
// that best serves the wanted platform, the walk down nested indexes to an
// image manifest, and the check that a base is the platform asked for.
// Registries, OCI layouts and docker-archives all go through here.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "image/image.h"
#include "image/platform.h"

namespace venv2docker {

class Reporter;

/// A manifest or index as read: its exact bytes, parsed, and its media type.
struct ManifestDocument {
  std::string raw;
  nlohmann::json value;
  std::string media_type;
};

/// Parses `raw`, taking its media type from its own mediaType field, else
/// `declared` (the descriptor's or the server's), else its shape (a
/// "manifests" list is an index). Throws Error naming `where`.
ManifestDocument manifest_document(std::string raw, std::string_view declared, const std::string& where);

/// Reads the document a descriptor names, verified against its digest and
/// size (from a registry, a layout folder, an archive).
using ManifestFetcher = std::function<ManifestDocument(const Descriptor&)>;

bool is_index_media_type(std::string_view type);

/// The descriptor in `entries` (an index's "manifests" array) whose platform
/// serves `wanted` best (platform_match_rank; the first of equals, as
/// containerd sorts stably). Throws Error naming `where` when none does,
/// listing the platforms there are and suggesting --platform.
Descriptor choose_platform(const nlohmann::json& entries, const Platform& wanted, const std::string& where);

/// From `document` (an image manifest or an index) down through nested
/// indexes, choosing by `wanted` at each, to an image manifest. Throws Error
/// for indexes nested too deeply, oversized documents or no matching entry.
ManifestDocument descend_to_image_manifest(ManifestDocument document, const Platform& wanted,
                                           const ManifestFetcher& fetch, const std::string& where);

/// After a base is read: with --platform given, its config must name a
/// platform that serves the request (a single-platform base of another
/// platform is refused, not silently used); without it, a base for another
/// platform than the host's is used with a warning. Throws Error naming
/// `where`, the base's platform and the one asked for.
void check_base_platform(const Image& image, const PlatformRequest& request, const std::string& where,
                         Reporter& reporter);

}  // namespace venv2docker
