// --apt: Debian packages installed from the base image's own apt sources
// into a layer, doing what `apt-get install --no-install-recommends` would do
// in that image without running anything in it (see docs/apt.md).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "venv2docker/blob_store.h"
#include "venv2docker/file_index.h"
#include "venv2docker/image.h"
#include "venv2docker/layer_entry.h"
#include "venv2docker/reporter.h"

namespace venv2docker {

struct AptOptions {
  /// --apt values: "PKG[,PKG...]" or a FILE of names (whitespace or commas,
  /// '#' comments). A name may pin a version: "jq=1.6-2.1+deb12u3".
  std::vector<std::string> requests;
  /// --apt-source: one-line sources ("deb [signed-by=HOST_FILE] URI SUITE COMPONENT...").
  std::vector<std::string> extra_sources;
  bool replace_sources = false;       // --apt-replace-sources: ignore the base's own
  bool allow_unauthenticated = false;  // --apt-allow-unauthenticated
};

struct AptLayerContents {
  std::vector<LayerEntry> entries;
  /// "jq 1.6-2.1+deb12u3", in install order, for the layer's history.
  std::vector<std::string> installed;
};

/// The package names the --apt values ask for. Throws UsageError for a
/// request that is neither a readable file nor a list of names.
std::vector<std::string> apt_request_names(const std::vector<std::string>& requests);

/// Resolves, prints the plan, downloads (verified, cached in `store`) and
/// unpacks the requested packages, returning the layer's entries: the
/// packages' files (under the base's own directory symlinks, minus dpkg's
/// path-exclude rules), dpkg's updated status and info files, and the links
/// update-alternatives would make. Throws Error naming the source, package or
/// file at fault.
AptLayerContents prepare_apt_layer(const AptOptions& options, const Image& base, const FileIndex& base_files,
                                   const BlobStore& store, Reporter& reporter);

/// For --check: which Debian package from the base's sources (and
/// --apt-source) would provide each of `sonames` ("libblas.so.3" ->
/// "libblas3"), by Debian's library package naming, else by a package that
/// declares "Provides: SONAME". Sonames with neither are left out. Throws
/// Error when the sources cannot be read.
std::map<std::string, std::string> apt_packages_for_libraries(const std::vector<std::string>& sonames,
                                                              const AptOptions& options, const Image& base,
                                                              const FileIndex& base_files, const BlobStore& store,
                                                              Reporter& reporter);

/// True when the base has dpkg and apt sources (or --apt-source gives some).
bool base_can_use_apt(const AptOptions& options, const FileIndex& base_files);

}  // namespace venv2docker
