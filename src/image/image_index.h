// An OCI image index over images built for several platforms: what
// `--platform P,P` writes to an OCI layout and pushes to a registry.
#pragma once

#include <string>
#include <vector>

#include "image/image.h"

namespace venv2docker {

struct ImageIndex {
  std::vector<Image> images;  // in the index's order
  std::string raw;            // the index document's exact bytes

  Digest digest() const { return sha256_of(raw); }
  /// The index's own descriptor (OCI index media type, digest, size).
  Descriptor descriptor() const;
};

/// The index listing `images` in the order given, each entry with the
/// platform its config names (os, architecture, variant, os.version as the
/// config spells them, as image-spec asks), serialised with canonical_json:
/// the same images give the same bytes. Throws Error when two images claim
/// the same platform (a runtime could not tell them apart).
ImageIndex image_index(std::vector<Image> images);

}  // namespace venv2docker
