// The build's SBOM: gathered while the build's inputs are at hand (the venv,
// the base's files, --apt's dpkg database, the interpreter), made into an
// SPDX document once the image's digest is known, and attached to the
// outputs that can carry a referrer, or written to --sbom FILE.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "build/output_targets.h"
#include "debian/apt_archives.h"
#include "image/image.h"
#include "image/reference.h"
#include "layer/file_index.h"
#include "remote/registry_options.h"
#include "sbom/sbom_package.h"
#include "store/blob_store.h"
#include "util/reporter.h"
#include "venv/venv.h"

namespace venv2docker {

/// The dpkg status file the apt layer writes (it lists the base's packages
/// and the new ones), taken before the layer is written.
std::optional<std::string> apt_dpkg_status(const std::optional<AptLayerContents>& apt);

/// The packages the image holds besides its files: the venv's distributions,
/// dpkg's packages (from `status`: the apt layer's, which lists the base's
/// and the new ones, else the base's: build/base_dpkg_status.h) and, with
/// --python-from host, the interpreter.
std::vector<SbomPackage> image_packages(const Venv& venv, const std::optional<std::string>& status,
                                        bool host_interpreter);

/// Whether the build makes an SBOM for `image` (`wanted`: not --no-sbom):
/// only when it goes somewhere, to --sbom FILE (`to_file`), a registry among
/// `destinations` (as a referrer), an OCI layout among them that does not
/// list this image's SBOM yet, or, when the outputs are written later
/// (`outputs_later`: one platform of several), to theirs. A docker-archive
/// holds none, and a rebuild of an image whose layout has its SBOM makes none:
/// making one would read the base's files for nothing.
bool sbom_delivered(bool wanted, bool to_file, bool outputs_later, const std::vector<std::string>& destinations,
                    const Image& image, const Reference& name);

struct SbomDelivery {
  std::optional<std::filesystem::path> file;  // --sbom FILE
  const RegistryOptions& registry;
};

/// Makes the SPDX document of `image` (named `name`, built at `epoch`),
/// writes it to `delivery.file` atomically, and attaches it as a referrer to
/// each registry and OCI layout output. Returns the document. Throws Error when the file
/// cannot be written or a registry refuses the referrer.
std::string deliver_sbom(const Image& image, const Reference& name, std::int64_t epoch,
                         const std::vector<SbomPackage>& packages, const std::vector<WrittenOutput>& outputs,
                         const SbomDelivery& delivery, const BlobStore& store, Reporter& reporter);

}  // namespace venv2docker
