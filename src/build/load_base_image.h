// The --base syntax: which source a base comes from; and the base's files as
// the build reads them.
#pragma once

#include <functional>

#include <string>

#include "image/base_image.h"
#include "layer/file_index.h"

namespace venv2docker {

struct RegistryOptions;
class Reporter;

/// Dispatches on the --base syntax: "scratch" (an empty image for
/// `platform`), "oci:DIR[:TAG]", "docker-archive:FILE", else a registry
/// reference ("python:3.11-slim", "localhost:5000/x@sha256:...") pulled with
/// `registry` options (remote/registry_pull.h). Throws UsageError for something
/// that is none of these.
/// `skip_layer` as pull_image takes it (a registry base only).
BaseImage load_base_image(const std::string& base, const PlatformRequest& platform, const BlobStore& store,
                          const RegistryOptions& registry, Reporter& reporter,
                          const std::function<bool(const Digest&)>& skip_layer = {});

/// True when `base` names a registry image (neither scratch nor a local source).
bool is_registry_base(const std::string& base);

/// The files whose bytes the checks and --apt read from a base: what
/// base_file_index keeps, and what a registry cache's listings must hold.
ContentSelection base_content_selection();

/// The file index of `base`, with the bytes of the files the checks and
/// --apt read (checked_contents, apt_config_contents); a local source's
/// layers are stored on the way or not as `local_use` says. Throws Error as
/// FileIndex::of_image does.
FileIndex base_file_index(const BaseImage& base, const BlobStore& store, const ReadWatch& watch = {},
                          LocalLayerUse local_use = LocalLayerUse::stored);

/// Whether base_file_index would read only cache records: every layer has a
/// listing recorded, and is in the store where `local_use` stores it. Stats
/// files, reads none.
bool base_files_recorded(const BaseImage& base, const BlobStore& store,
                         LocalLayerUse local_use = LocalLayerUse::stored);

}  // namespace venv2docker
