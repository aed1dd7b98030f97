// The SPDX 2.3 JSON document of an image: the image as the described
// package, containing every package of its SBOM. The same inputs give the
// same bytes: the creation time is the build's SOURCE_DATE_EPOCH and the
// namespace is made of the image's manifest digest, never the clock or a
// random UUID.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sbom/sbom_package.h"
#include "store/digest.h"

namespace venv2docker {

/// The SBOM's media type, and the artifactType of the manifest that carries it.
inline constexpr std::string_view k_spdx_media_type = "application/spdx+json";

struct SbomSubject {
  std::string repository;  // "registry.example/app": the image's name without its tag
  std::string tag;
  Digest manifest;         // the image manifest's digest
};

/// The document's bytes (canonical JSON). `packages` keep their order.
std::string spdx_document(const SbomSubject& image, std::int64_t epoch, const std::vector<SbomPackage>& packages);

}  // namespace venv2docker
