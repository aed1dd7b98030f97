// The shape of every JSON document a base image is read from, checked before
// any of it is used: a manifest, an image index, a config, a docker-archive's
// manifest.json. One check per kind, each throwing an Error that names the
// source and what is wrong, so no reader meets a missing key or a number
// where it wants a string (nlohmann::json's type_error, or UB on a const
// operator[]). Each works on bytes too, so a fuzzer can drive it.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace venv2docker {

/// The most entries a manifest's layers or an index's manifests may list:
/// far beyond any real image (overlayfs stacks at most a few hundred), and a
/// bound on what one document can make us fetch and keep.
inline constexpr std::size_t k_max_document_entries = 4096;

/// Throws Error naming `where` unless `value` is an image manifest: an
/// object; config a descriptor; layers an array of at most
/// k_max_document_entries descriptors; no manifests; annotations (if any) an
/// object of strings.
void check_manifest_shape(const nlohmann::json& value, const std::string& where);

/// As check_manifest_shape for an image index (or Docker manifest list):
/// manifests an array of descriptors; no config or layers.
void check_index_shape(const nlohmann::json& value, const std::string& where);

/// Throws Error naming `where` unless `value` is an image config as we read
/// it: rootfs.diff_ids an array of strings; the platform fields strings; the
/// runtime settings (config.Env, Cmd, Entrypoint, Labels...) of their types
/// or null; history an array of objects.
void check_config_shape(const nlohmann::json& value, const std::string& where);

/// Throws Error naming `where` unless `value` is a `docker save`
/// manifest.json: an array of objects with Config a string and Layers an
/// array of strings.
void check_docker_archive_manifest_shape(const nlohmann::json& value, const std::string& where);

/// Whether a manifest or index document (its "mediaType" if any, else
/// `declared`) is an index. Throws Error naming `where` when the document is
/// ambiguous (both "manifests" and "config"/"layers", CVE-2021-41190), when
/// its fields contradict its media type, or when it is not an object.
bool document_is_index(const nlohmann::json& value, std::string_view declared, const std::string& where);

/// The bytes parsed and checked as the kind `declared` or their own
/// mediaType say (a manifest or an index): what a fuzzer drives. Throws Error.
nlohmann::json parse_manifest_or_index(std::string_view bytes, std::string_view declared, const std::string& where);

}  // namespace venv2docker
