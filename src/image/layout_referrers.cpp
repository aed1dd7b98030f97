#include "image/layout_referrers.h"

#include <set>

#include "image/image.h"
#include "image/platform_choice.h"
#include "util/file_bytes.h"

namespace venv2docker {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The document a descriptor names, parsed; nothing when it is missing,
// larger than any manifest, or not JSON (the layout's reader reports those).
std::optional<json> read_document(const Descriptor& descriptor, const fs::path& blob_folder) {
  if (descriptor.size > k_max_json_document) return std::nullopt;
  // The digest was parsed, so its hex is a file name inside the folder.
  const std::optional<std::string> bytes =
      read_file_bytes(blob_folder / std::string(descriptor.digest.hex()), k_max_json_document);
  if (!bytes) return std::nullopt;
  json document = json::parse(*bytes, nullptr, false);
  if (document.is_discarded() || !document.is_object()) return std::nullopt;
  return document;
}

// An entry's media type and digest; nothing for a digest of another
// algorithm (kept as it is: the layout's readers judge it).
std::optional<Descriptor> descriptor_of(const json& entry) {
  const auto text = [&](const char* key) {
    const auto found = entry.find(key);
    return found != entry.end() && found->is_string() ? found->get<std::string>() : std::string();
  };
  if (!entry.is_object()) return std::nullopt;
  const std::optional<Digest> digest = Digest::parse(text("digest"));
  if (!digest) return std::nullopt;
  const auto size = entry.find("size");
  const std::uint64_t bytes = size != entry.end() && size->is_number_unsigned() ? size->get<std::uint64_t>() : 0;
  return Descriptor{text("mediaType"), *digest, bytes, {}, std::nullopt};
}

// The digests the layout's images are known by: each entry's, and the
// manifests of each index entry (an SBOM is about one platform's image).
std::set<std::string> reachable_manifests(const json& manifests, const fs::path& blob_folder) {
  std::set<std::string> reachable;
  for (const json& entry : manifests) {
    if (is_referrer_entry(entry)) continue;
    const std::optional<Descriptor> descriptor = descriptor_of(entry);
    if (!descriptor) continue;
    reachable.insert(descriptor->digest.str());
    if (!is_index_media_type(descriptor->media_type)) continue;
    const std::optional<json> index = read_document(*descriptor, blob_folder);
    if (!index || !index->contains("manifests") || !(*index)["manifests"].is_array()) continue;
    for (const json& child : (*index)["manifests"]) {
      if (child.is_object() && child.contains("digest") && child["digest"].is_string()) {
        reachable.insert(child["digest"].get<std::string>());
      }
    }
  }
  return reachable;
}

std::optional<std::string> subject_of(const json& entry, const fs::path& blob_folder) {
  const std::optional<Descriptor> descriptor = descriptor_of(entry);
  if (!descriptor) return std::nullopt;
  const std::optional<json> manifest = read_document(*descriptor, blob_folder);
  if (!manifest || !manifest->contains("subject") || !(*manifest)["subject"].is_object()) return std::nullopt;
  const json& subject = (*manifest)["subject"];
  if (!subject.contains("digest") || !subject["digest"].is_string()) return std::nullopt;
  return subject["digest"].get<std::string>();
}

}  // namespace

bool is_referrer_entry(const json& entry) {
  return entry.is_object() && entry.contains("artifactType") && entry["artifactType"].is_string();
}

json without_orphaned_referrers(const json& manifests, const fs::path& blob_folder) {
  const std::set<std::string> reachable = reachable_manifests(manifests, blob_folder);
  json kept = json::array();
  for (const json& entry : manifests) {
    if (is_referrer_entry(entry)) {
      const std::optional<std::string> subject = subject_of(entry, blob_folder);
      if (subject && !reachable.contains(*subject)) continue;
    }
    kept.push_back(entry);
  }
  return kept;
}

bool layout_has_referrer(const fs::path& dir, const std::string& subject, std::string_view artifact_type) {
  const std::optional<std::string> bytes = read_file_bytes(dir / "index.json", k_max_json_document);
  if (!bytes) return false;
  const json index = json::parse(*bytes, nullptr, false);
  if (!index.is_object() || !index.contains("manifests") || !index["manifests"].is_array()) return false;
  for (const json& entry : index["manifests"]) {
    if (!is_referrer_entry(entry) || entry["artifactType"].get<std::string>() != artifact_type) continue;
    if (subject_of(entry, dir / "blobs" / "sha256") == subject) return true;
  }
  return false;
}

}  // namespace venv2docker
