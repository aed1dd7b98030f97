#include "build/image_sbom.h"

#include <algorithm>
#include <set>

#include "image/artifact_manifest.h"
#include "remote/registry_referrers.h"
#include "sbom/sbom_sources.h"
#include "sbom/spdx_document.h"
#include "util/atomic_file.h"

namespace venv2docker {

namespace {

constexpr const char* k_dpkg_status = "/var/lib/dpkg/status";

std::optional<std::string> dpkg_status(const FileIndex& base_files, const std::optional<AptLayerContents>& apt) {
  if (apt) {
    const auto written = std::find_if(apt->entries.begin(), apt->entries.end(),
                                      [](const LayerEntry& entry) { return entry.path == k_dpkg_status; });
    if (written != apt->entries.end() && written->content) return written->content;
  }
  const IndexedFile* base = base_files.find(k_dpkg_status);
  if (base && base->content) return base->content;
  return std::nullopt;
}

}  // namespace

std::vector<SbomPackage> image_packages(const Venv& venv, const FileIndex& base_files,
                                        const std::optional<AptLayerContents>& apt, bool host_interpreter) {
  std::vector<SbomPackage> packages;
  if (const std::optional<std::string> status = dpkg_status(base_files, apt)) {
    packages = dpkg_packages(*status, std::string("the image's ") + k_dpkg_status);
  }
  if (host_interpreter) packages.push_back(interpreter_package(venv));
  std::vector<SbomPackage> python = python_packages(venv.site_packages);
  packages.insert(packages.end(), std::make_move_iterator(python.begin()), std::make_move_iterator(python.end()));
  return packages;
}

bool sbom_delivered(bool wanted, bool to_file, bool outputs_later, const std::vector<std::string>& destinations) {
  if (!wanted) return false;
  return to_file || outputs_later ||
         std::any_of(destinations.begin(), destinations.end(),
                     [](const std::string& destination) { return registry_destination(destination).has_value(); });
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
  std::set<std::string> attached_to;  // a referrer belongs to a repository, not to a tag
  for (const WrittenOutput& output : outputs) {
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
