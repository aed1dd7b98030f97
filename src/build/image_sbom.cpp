#include "build/image_sbom.h"

#include <algorithm>
#include <set>

#include "debian/dpkg_database.h"
#include "image/artifact_manifest.h"
#include "image/layout_referrers.h"
#include "image/oci_layout_writer.h"
#include "remote/registry_referrers.h"
#include "sbom/sbom_sources.h"
#include "sbom/spdx_document.h"
#include "util/atomic_file.h"

namespace venv2docker {

namespace fs = std::filesystem;

std::optional<std::string> apt_dpkg_status(const std::optional<AptLayerContents>& apt) {
  if (!apt) return std::nullopt;
  const auto written = std::find_if(apt->entries.begin(), apt->entries.end(),
                                    [](const LayerEntry& entry) { return entry.path == debian::k_dpkg_status_path; });
  if (written == apt->entries.end()) return std::nullopt;
  return written->content;
}

std::vector<SbomPackage> image_packages(const Venv& venv, const std::optional<std::string>& status,
                                        bool host_interpreter) {
  std::vector<SbomPackage> packages;
  if (status) packages = dpkg_packages(*status, std::string("the image's ") + debian::k_dpkg_status_path);
  if (host_interpreter) packages.push_back(interpreter_package(venv));
  std::vector<SbomPackage> python = python_packages(venv.site_packages);
  packages.insert(packages.end(), std::make_move_iterator(python.begin()), std::make_move_iterator(python.end()));
  return packages;
}

bool sbom_delivered(bool wanted, bool to_file, bool outputs_later, const std::vector<std::string>& destinations,
                    const Image& image, const Reference& name) {
  if (!wanted) return false;
  if (to_file || outputs_later) return true;
  return std::any_of(destinations.begin(), destinations.end(), [&](const std::string& destination) {
    if (registry_destination(destination)) return true;
    if (!destination.starts_with("oci:")) return false;
    const fs::path dir = layout_destination(destination.substr(4), name).dir;
    return !layout_has_referrer(dir, image.manifest_digest().str(), k_spdx_media_type);
  });
}

std::string deliver_sbom(const Image& image, const Reference& name, std::int64_t epoch,
                         const std::vector<SbomPackage>& packages, const std::vector<WrittenOutput>& outputs,
                         const SbomDelivery& delivery, const BlobStore& store, Reporter& reporter) {
  const std::string document =
      spdx_document(SbomSubject{name.name(), name.tag_or_latest(), image.manifest_digest()}, epoch, packages);
  if (delivery.file) {
    write_file_atomically(*delivery.file, document);
    reporter.detail("SBOM (" + std::to_string(packages.size()) + " packages) written to " + delivery.file->string());
  }
  const Digest blob = store.put(document);
  const Image artifact = artifact_manifest(
      k_spdx_media_type, {Descriptor{std::string(k_spdx_media_type), blob, document.size(), {}, std::nullopt}},
      image.manifest_descriptor(), store);
  std::set<std::string> attached_to;  // a referrer belongs to a repository or a layout, not to a tag
  for (const WrittenOutput& output : outputs) {
    if (output.type == "oci") {
      if (!attached_to.insert("oci:" + output.path.string()).second) continue;
      add_layout_referrer(artifact, store, output.path);
      reporter.step("Attached the SBOM to the OCI layout " + output.path.string() + ": " +
                    artifact.manifest_digest().str());
      continue;
    }
    if (output.type != "registry") continue;  // a docker-archive has no place for a referrer
    const Reference pushed_to = Reference::parse_or_throw(output.path.string(), "the pushed image");
    if (!attached_to.insert(pushed_to.name()).second) continue;
    const PushResult attached = attach_referrer(artifact, image.manifest_digest(), pushed_to, delivery.registry,
                                                store, reporter);
    reporter.step("Attached the SBOM to " + pushed_to.name() + ": " + attached.digest.str());
  }
  return document;
}

}  // namespace venv2docker
