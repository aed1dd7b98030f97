// Puts new layers on top of a base image: the new config (runtime settings,
// diff_ids, history) and manifest, stored in the BlobStore. The base is never
// changed; a new Image is returned, always in the OCI family (a Docker v2
// base's descriptors are converted; docs/images.md says why).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "image/base_image.h"
#include "image/image.h"
#include "store/blob_store.h"

namespace venv2docker {

/// What the container runs with. Unset fields keep the base image's value.
struct ContainerSettings {
  /// Variables to set ("K" -> "V"), replacing the base's value for the same K.
  std::map<std::string, std::string> env;
  std::optional<std::vector<std::string>> entrypoint;  // no words: reset to null
  std::optional<std::vector<std::string>> cmd;
  std::optional<std::string> user;
  std::optional<std::string> workdir;
  std::vector<std::string> exposed_ports;  // "8080/tcp"
  std::vector<std::string> volumes;
  std::map<std::string, std::string> labels;
};

struct NewLayer {
  Layer layer;
  std::string created_by;  // history entry, e.g. "venv2docker: venv /opt/venv"
};

struct AssemblyOptions {
  std::int64_t created = 0;  // seconds since the epoch, for `created` and history
  std::map<std::string, std::string> annotations;  // the manifest's annotations
};

/// Throws Error if a new layer is not an OCI layer, or a base layer has no
/// OCI equivalent (oci_layer_media_type).
Image append_layers(const BaseImage& base, const std::vector<NewLayer>& layers, const ContainerSettings& settings,
                    const AssemblyOptions& options, const BlobStore& store);

/// "2000-01-01T00:00:00Z" for a time in seconds since the epoch.
std::string rfc3339_utc(std::int64_t seconds);

}  // namespace venv2docker
