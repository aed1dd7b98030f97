// An image as a plain value: its manifest and config, both as the exact bytes
// their digests are of and as parsed JSON, plus the layers. The blobs
// themselves live in the BlobStore.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "image/media_types.h"
#include "store/digest.h"

namespace venv2docker {

/// The largest JSON document (index, manifest, config) read from outside:
/// real ones are a few KiB; the bound keeps a hostile one from exhausting memory.
inline constexpr std::size_t k_max_json_document = std::size_t{4} << 20;

struct Descriptor {
  std::string media_type;
  Digest digest;
  std::uint64_t size = 0;
  std::map<std::string, std::string> annotations;
  std::optional<nlohmann::json> platform;
};

nlohmann::json to_json(const Descriptor& descriptor);
/// Reads a descriptor, validating its digest and size. `where` names the
/// document for error messages. Throws Error.
Descriptor descriptor_from_json(const nlohmann::json& json, const std::string& where);

struct Layer {
  Descriptor blob;     // as stored (usually gzip)
  Digest diff_id;      // sha256 of the uncompressed tar
};

struct Image {
  MediaFamily family = MediaFamily::oci;
  std::string raw_manifest;
  nlohmann::json manifest;
  std::string raw_config;
  nlohmann::json config;
  std::vector<Layer> layers;

  Digest manifest_digest() const { return sha256_of(raw_manifest); }
  Digest config_digest() const { return sha256_of(raw_config); }
  Descriptor manifest_descriptor() const;
};

/// Parses JSON with a size cap, naming `where` in errors. Throws Error.
nlohmann::json parse_json(const std::string& bytes, const std::string& where);

/// Serialises JSON the same way everywhere (sorted keys, compact), so the same
/// value always gives the same digest.
std::string canonical_json(const nlohmann::json& value);

/// The one manifest builder: the bytes of an image manifest (schemaVersion 2)
/// of `family` over the config `raw_config` (its descriptor made from its
/// digest and size, so the two cannot disagree) and `layers` in order, with
/// `annotations` when there are any. Canonical JSON, so the same parts give
/// the same digest. The layers' media types are the caller's to get right: a
/// manifest never mixes the families.
std::string image_manifest(MediaFamily family, const std::string& raw_config, const std::vector<Descriptor>& layers,
                           const std::map<std::string, std::string>& annotations = {});

/// Builds an Image from manifest and config bytes, checking that the manifest
/// is an image manifest of one family, that the config matches its descriptor
/// and that there are as many layers as diff_ids. Throws Error naming `where`.
Image image_from_documents(std::string raw_manifest, std::string raw_config, const std::string& where);

}  // namespace venv2docker
