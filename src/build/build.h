// The whole build: venv and project in, image and outputs out. The command
// line fills BuildOptions; library users can too.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "build/container_settings.h"
#include "build/output_targets.h"
#include "compat/compat_check.h"
#include "debian/apt_archives.h"
#include "image/image.h"
#include "image/image_index.h"
#include "image/reference.h"
#include "remote/registry_options.h"
#include "sbom/sbom_package.h"
#include "util/reporter.h"
#include "venv/venv_layers.h"

namespace venv2docker {

struct BuildOptions {
  std::optional<std::string> venv;           // path or $WORKON_HOME name; default $VIRTUAL_ENV
  std::optional<std::string> name;           // default: pyproject.toml's [project].name, else the venv's folder name
  std::optional<std::string> tag;            // default: pyproject.toml's [project].version, else "latest"
  std::optional<std::string> base;           // default: python:<X.Y>-slim
  std::optional<std::string> platform;       // --platform OS/ARCH[/VARIANT][,...]; default: this machine's.
                                             // Several: one image each, under an index (build/multi_platform.h)
  std::vector<std::string> platform_venvs;   // --venv PLATFORM=PATH: that platform's venv instead of `venv`
  std::vector<std::string> outputs;          // "oci:DIR[:TAG]", "docker-archive:FILE"
  std::string venv_path = "/opt/venv";
  std::optional<std::filesystem::path> project;
  std::string project_path = "/app";
  bool no_project = false;

  RuntimeOptions runtime;                    // what the container runs, and how (container_settings.h)
  std::vector<std::string> annotations;      // "K=V"

  std::vector<std::string> excludes;
  std::optional<std::filesystem::path> build_dir;
  std::optional<std::filesystem::path> cache_dir;
  std::int64_t epoch;                        // SOURCE_DATE_EPOCH or the fixed default
  unsigned threads = 0;
  int compression_level = 6;
  bool force = false;                        // compatibility errors become warnings
  bool load = false;                         // --load into the Docker daemon
  bool check_only = false;                   // --check: report, build nothing
  std::optional<std::string> python_from;    // "host": add the venv's own interpreter as a layer
  std::optional<std::filesystem::path> pip_requirements;  // --pip FILE: installed with the venv's pip as a layer
  bool push = false;                         // --push: to --name:--tag (as -o registry:NAME:TAG would)
  RegistryOptions registry;                  // pulling the base and pushing (see remote/registry_options.h)
  unsigned max_layers = k_default_max_venv_layers;  // --max-layers: the venv's layers at most (1: one layer)
  AptOptions apt;                            // --apt and its --apt-* options
  std::vector<std::string> cache_from;       // --cache-from REF: registry cache records read (build/registry_cache.h)
  std::optional<std::string> cache_to;       // --cache-to REF: where this build's record goes
  bool sbom = true;                          // --no-sbom: no SPDX SBOM (build/image_sbom.h)
  std::optional<std::filesystem::path> sbom_file;  // --sbom FILE: the SBOM written there too
  bool write_outputs = true;                 // false: assemble the image, write nothing (one platform of several)
};

/// What writing an image assembled with `write_outputs` false takes: where it
/// goes and how pushes go.
struct PendingOutputs {
  std::vector<std::string> destinations;
  RegistryOptions registry;               // with the credentials scoped as the build scoped them
  std::vector<MountSource> mount_from;    // the base's layers, registry caches'
  std::vector<SbomPackage> sbom_packages; // what the image's SBOM lists, unless --no-sbom
};

struct BuildResult {
  Reference name;
  Image image;
  std::vector<WrittenOutput> outputs;
  std::optional<std::string> loaded;  // what the daemon said it loaded
  CompatReport report;                 // the compatibility checks
  std::vector<std::string> apt_installed;  // --apt: "name version" of each package the layer holds
  std::optional<std::string> sbom;         // the SPDX document, unless --no-sbom
  std::optional<PendingOutputs> pending;   // write_outputs false: what write_outputs would have used
  std::optional<ImageIndex> index;         // several platforms: their images (`image` is the first) and index
};

/// Runs the build. Throws UsageError for bad options, Error for everything
/// else (each naming the file, flag or image at fault).
BuildResult build(const BuildOptions& options, Reporter& reporter);

/// The build folder these options use (for --clean).
std::filesystem::path resolve_build_dir(const BuildOptions& options);

}  // namespace venv2docker
