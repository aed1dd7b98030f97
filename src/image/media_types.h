// Media types of the two image families. A manifest never mixes them.
// Header only.
#pragma once

#include <string_view>

namespace venv2docker {

enum class MediaFamily { oci, docker };

namespace media_type {
inline constexpr std::string_view oci_manifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view oci_index = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view oci_config = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view oci_layer_gzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view oci_layer_tar = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view oci_layer_zstd = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr std::string_view docker_manifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view docker_manifest_list = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view docker_config = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view docker_layer_gzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr std::string_view docker_layer_tar = "application/vnd.docker.image.rootfs.diff.tar";
inline constexpr std::string_view docker_layer_zstd = "application/vnd.docker.image.rootfs.diff.tar.zstd";
inline constexpr std::string_view docker_foreign_layer_prefix = "application/vnd.docker.image.rootfs.foreign.";
inline constexpr std::string_view docker_schema1_signed = "application/vnd.docker.distribution.manifest.v1+prettyjws";
inline constexpr std::string_view docker_schema1 = "application/vnd.docker.distribution.manifest.v1+json";
}  // namespace media_type

/// Docker's schema 1 manifests (signed or not), which no current tool writes
/// and venv2docker refuses.
inline bool is_docker_schema1(std::string_view type) {
  return type == media_type::docker_schema1 || type == media_type::docker_schema1_signed;
}

inline std::string_view manifest_media_type(MediaFamily family) {
  return family == MediaFamily::oci ? media_type::oci_manifest : media_type::docker_manifest;
}
inline std::string_view config_media_type(MediaFamily family) {
  return family == MediaFamily::oci ? media_type::oci_config : media_type::docker_config;
}
inline std::string_view gzip_layer_media_type(MediaFamily family) {
  return family == MediaFamily::oci ? media_type::oci_layer_gzip : media_type::docker_layer_gzip;
}

}  // namespace venv2docker
