// --apt: Debian packages installed from the base image's own apt sources
// into a layer, doing what `apt-get install --no-install-recommends` would do
// in that image without running anything in it (see docs/apt.md).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "debian/package.h"
#include "debian/shared_plans.h"
#include "image/image.h"
#include "layer/file_index.h"
#include "store/blob_store.h"
#include "tar/layer_entry.h"
#include "util/reporter.h"

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

/// The packages --apt installs, as planned, before any is fetched.
struct AptLayerPlan {
  std::vector<debian::Package> packages;  // in install order
  /// "jq 1.6-2.1+deb12u3", in install order, for the layer's history.
  std::vector<std::string> installed;
  /// What decides the layer's files, the same on every runner: the base image
  /// (its manifest digest: its files, dpkg status and path-exclude rules),
  /// each planned .deb by SHA-256, and the unpack rules' version.
  Digest files_key;
};

struct AptLayerContents {
  std::vector<LayerEntry> entries;
  /// "jq 1.6-2.1+deb12u3", in install order, for the layer's history.
  std::vector<std::string> installed;
  /// What unpacking warned of (already reported), in order: a runner that
  /// takes the layer from a cache record says them again.
  std::vector<std::string> warnings;
};

/// The package names the --apt values ask for. Throws UsageError for a
/// request that is neither a readable file nor a list of names.
std::vector<std::string> apt_request_names(const std::vector<std::string>& requests);

/// The base's apt sources (and --apt-source) for one build. Their signed
/// Release files are read, and their package catalog loaded, at most once,
/// whether --apt installs from them, the checks ask which package provides a
/// missing library, or both.
class AptArchives {
 public:
  /// Reads nothing yet (a build that never needs apt reads nothing at all).
  /// `base_files` gives the list of the base image's files, asked for only
  /// when apt is first needed: a build that never needs apt never waits for
  /// the base's files either. All must outlive this.
  /// With `shared`, a plan another runner made for the same key is taken
  /// (checked as install_plan_from_json checks it), and this build's plan is
  /// given to it.
  AptArchives(const AptOptions& options, const Image& base, std::function<const FileIndex&()> base_files,
              const BlobStore& store, Reporter& reporter, std::optional<debian::SharedPlans> shared = std::nullopt);
  ~AptArchives();
  AptArchives(const AptArchives&) = delete;
  AptArchives& operator=(const AptArchives&) = delete;

  /// True when the base has dpkg and apt sources (or --apt-source gives some),
  /// for a Debian architecture.
  bool usable();

  /// Resolves (or takes the plan recorded for the same Releases, base and
  /// request, locally or in a shared record), prints the plan, downloads (verified, cached in the store) and
  /// unpacks the requested packages, returning the layer's entries: the
  /// packages' files (under the base's own directory symlinks, minus dpkg's
  /// path-exclude rules), dpkg's updated status and info files, and the links
  /// update-alternatives would make. Throws Error naming the source, package
  /// or file at fault.
  AptLayerContents prepare_layer();

  /// prepare_layer's first half: the plan, printed. Throws as prepare_layer.
  AptLayerPlan plan_layer();

  /// prepare_layer's second half: the planned packages fetched and unpacked.
  AptLayerContents unpack_layer(const AptLayerPlan& plan);

  /// The dpkg status the layer of `plan` would write, as far as an SBOM reads
  /// it (each package's name, version, architecture and installed state),
  /// without fetching a package.
  std::string planned_dpkg_status(const AptLayerPlan& plan);

  /// Which Debian package from the sources would provide each of `sonames`
  /// ("libblas.so.3" -> "libblas3"), by Debian's library package naming, else
  /// by a package that declares "Provides: SONAME". Sonames with neither are
  /// left out. Throws Error when the sources cannot be read.
  std::map<std::string, std::string> packages_for_libraries(const std::vector<std::string>& sonames);

  /// Which Debian package from the sources would provide each Python
  /// distribution ("PyYAML" -> "python3-yaml"), by Debian's Python package
  /// naming (debian/package_naming.h), or by a package that declares
  /// "Provides:" that name. Distributions with neither are left out. Throws
  /// Error when the sources cannot be read.
  std::map<std::string, std::string> packages_for_python_distributions(const std::vector<std::string>& distributions);

  /// A key of everything the answers to `question` depend on: the sources'
  /// signed Releases (read now, as above), the base's architecture and dpkg
  /// status, and `question` itself. Throws Error when the Releases cannot be read.
  Digest answers_key(const std::vector<std::string>& question);

  struct Session;  // what has been read so far (apt_archives.cpp)

 private:
  Session& session();  // made on first use

  const AptOptions& m_options;
  const Image& m_base;
  std::function<const FileIndex&()> m_base_files;
  const BlobStore& m_store;
  Reporter& m_reporter;
  std::optional<debian::SharedPlans> m_shared;
  std::unique_ptr<Session> m_session;
};

}  // namespace venv2docker
