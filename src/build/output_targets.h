// Where the image goes: -o oci:DIR[:TAG], docker-archive:FILE and
// registry:REFERENCE, --push, else a docker-archive in the build folder; and
// each of them written in turn.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "image/base_image.h"
#include "image/image.h"
#include "image/reference.h"
#include "remote/registry_options.h"
#include "remote/registry_push.h"
#include "store/blob_store.h"
#include "util/reporter.h"

namespace venv2docker {

struct WrittenOutput {
  std::string type;  // "oci", "docker-archive" or "registry"
  std::filesystem::path path;  // for "registry": the reference pushed to
  std::string tag;
  std::string digest;  // "registry": the manifest digest as pushed
};

/// Whether the image goes to the default docker-archive in the build folder
/// (no -o, no --push, no --load).
bool writes_to_build_folder(const std::vector<std::string>& outputs, bool push, bool load);

/// The destinations, in order: each of `outputs` (-o), then --push's
/// "registry:NAME:TAG"; with neither and no --load, a docker-archive named
/// after the image in `build_folder`.
std::vector<std::string> output_destinations(const std::vector<std::string>& outputs, bool push, bool load,
                                             const Reference& name, const std::filesystem::path& build_folder);

/// The repository and tag a "registry:REFERENCE" destination pushes to
/// (`reference` without "registry:"); with no tag or digest, `name`'s tag.
Reference push_target(const std::string& reference, const Reference& name);

/// Where an "oci:DIR[:TAG]" destination writes (`layout` without "oci:"):
/// its folder, and its tag, else `name`'s. Throws UsageError without a folder.
struct LayoutDestination {
  std::filesystem::path dir;
  std::string tag;
};
LayoutDestination layout_destination(const std::string& layout, const Reference& name);

/// What a push did with the blobs: "N blobs uploaded, N mounted, N already
/// there", for the step that reports it.
std::string pushed_blob_counts(const PushResult& pushed);

/// The reference a "registry:REFERENCE" destination names; nullopt for the
/// other kinds, and for one that is no reference (its push reports that).
std::optional<Reference> registry_destination(const std::string& destination);

/// The registry the image is pushed to, if any: --push's (the one in `name`),
/// else the first registry: output's.
std::optional<std::string> registry_pushed_to(bool push, const Reference& name, const std::vector<std::string>& outputs);

/// The repository a registry base comes from, where a push to the same
/// registry may mount its layers; nothing for other bases.
std::optional<Reference> base_repository(const std::string& base_ref);

/// What a push may mount instead of uploading: a registry base's layers, from
/// its repository. Nothing for other bases.
std::optional<MountSource> mount_source_for(const std::string& base_ref, const BaseImage& base);

/// How pushes go: the registry options, and what they may mount.
struct PushSettings {
  const RegistryOptions& registry;
  std::vector<MountSource> mount_from;  // the base's repository, registry caches'
};

/// Writes `image` (named `name`) to each destination in turn. Throws
/// UsageError for a destination of no known kind (once those before it are
/// written), Error when writing or pushing fails.
std::vector<WrittenOutput> write_outputs(const std::vector<std::string>& destinations, const Image& image,
                                         const Reference& name, const PushSettings& push, const BlobStore& store,
                                         Reporter& reporter);

}  // namespace venv2docker
