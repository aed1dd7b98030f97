#include "sbom/spdx_document.h"

#include <map>

#include "image/image.h"
#include "image/image_builder.h"
#include "sbom/purl.h"

namespace venv2docker {

using nlohmann::json;

namespace {

// SPDX ids take letters, digits, '.' and '-' only.
std::string id_safe(std::string_view text) {
  std::string safe;
  for (char c : text) {
    const bool kept = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
    safe += kept ? c : '-';
  }
  return safe;
}

json purl_reference(const std::string& purl) {
  return json::array({{{"referenceCategory", "PACKAGE-MANAGER"}, {"referenceType", "purl"}, {"referenceLocator", purl}}});
}

json package_entry(const std::string& id, const SbomPackage& package) {
  return {{"SPDXID", id},
          {"name", package.name},
          {"versionInfo", package.version},
          {"downloadLocation", "NOASSERTION"},
          {"filesAnalyzed", false},
          {"licenseConcluded", "NOASSERTION"},
          {"licenseDeclared", package.license},
          {"copyrightText", "NOASSERTION"},
          {"externalRefs", purl_reference(package.purl)}};
}

// "pkg:oci/app@sha256%3A...?repository_url=registry.example/app&tag=1.0"
std::string oci_purl(const SbomSubject& image) {
  const std::size_t slash = image.repository.rfind('/');
  const std::string last = slash == std::string::npos ? image.repository : image.repository.substr(slash + 1);
  return "pkg:oci/" + purl_encode(last) + "@" + purl_encode(image.manifest.str()) +
         "?repository_url=" + image.repository + "&tag=" + purl_encode(image.tag);
}

}  // namespace

std::string spdx_document(const SbomSubject& image, std::int64_t epoch, const std::vector<SbomPackage>& packages) {
  const std::string image_id = "SPDXRef-image";
  SbomPackage described{image.repository, image.tag, oci_purl(image), "NOASSERTION", std::nullopt, "image"};
  json entries = json::array({package_entry(image_id, described)});
  json relationships = json::array(
      {{{"spdxElementId", "SPDXRef-DOCUMENT"}, {"relationshipType", "DESCRIBES"}, {"relatedSpdxElement", image_id}}});
  std::map<std::string, std::string> license_texts;  // LicenseRef id -> its text
  for (std::size_t i = 0; i < packages.size(); ++i) {
    const SbomPackage& package = packages[i];
    // The position keeps ids unique when two names differ only in characters an id cannot hold.
    std::string id = "SPDXRef-" + package.origin + "-" + id_safe(package.name) + "-" + std::to_string(i + 1);
    entries.push_back(package_entry(id, package));
    relationships.push_back({{"spdxElementId", image_id}, {"relationshipType", "CONTAINS"}, {"relatedSpdxElement", id}});
    if (package.license_text) license_texts.emplace(package.license, *package.license_text);
  }
  json document = {
      {"spdxVersion", "SPDX-2.3"},
      {"dataLicense", "CC0-1.0"},
      {"SPDXID", "SPDXRef-DOCUMENT"},
      {"name", image.repository + ":" + image.tag},
      // Unique per image and the same for every build of it: its manifest digest.
      {"documentNamespace", "https://venv2docker.invalid/spdx/" + image.repository + "/" +
                                std::string(image.manifest.hex())},
      {"creationInfo", {{"created", rfc3339_utc(epoch)}, {"creators", json::array({"Tool: venv2docker-" VENV2DOCKER_VERSION})}}},
      {"packages", entries},
      {"relationships", relationships}};
  if (!license_texts.empty()) {
    json extracted = json::array();
    for (const auto& [id, text] : license_texts) {
      extracted.push_back({{"licenseId", id}, {"extractedText", text}, {"name", text.substr(0, text.find('\n'))}});
    }
    document["hasExtractedLicensingInfos"] = extracted;
  }
  return canonical_json(document);
}

}  // namespace venv2docker
