#include "build/output_targets.h"

#include <algorithm>

#include "build/load_base_image.h"
#include "image/docker_archive_writer.h"
#include "image/layout_reference.h"
#include "image/oci_layout_writer.h"
#include "util/error.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

std::string file_safe(std::string text) {
  std::replace_if(text.begin(), text.end(), [](char c) { return c == '/' || c == ':' || c == '@'; }, '_');
  return text;
}

WrittenOutput push_to(const std::string& reference, const Image& image, const Reference& name,
                      const PushSettings& push, const BlobStore& store, Reporter& reporter) {
  const Reference target = push_target(reference, name);
  PushResult pushed = push_image(image, target, push.mount_from, push.registry, store, reporter);
  reporter.step("Pushed " + pushed.reference + " " + pushed.digest.str() + " (" + pushed_blob_counts(pushed) + ")");
  return WrittenOutput{"registry", pushed.reference, target.tag_or_latest(), pushed.digest.str()};
}

WrittenOutput write_output(const std::string& destination, const Image& image, const Reference& name,
                           const PushSettings& push, const BlobStore& store, Reporter& reporter) {
  if (destination.starts_with("registry:")) return push_to(destination.substr(9), image, name, push, store, reporter);
  if (destination.starts_with("oci:")) {
    const LayoutDestination layout = layout_destination(destination.substr(4), name);
    write_oci_layout(image, store, layout.dir, layout.tag);
    return WrittenOutput{"oci", layout.dir, layout.tag, {}};
  }
  if (destination.starts_with("docker-archive:")) {
    fs::path file = destination.substr(15);
    if (file.empty()) throw UsageError("--output docker-archive: needs a file, as in docker-archive:FILE");
    write_docker_archive(image, store, file, name);
    return WrittenOutput{"docker-archive", file, name.tag_or_latest(), {}};
  }
  throw UsageError("--output \"" + destination + "\" is not a destination I can write",
                   "use oci:DIR[:TAG], docker-archive:FILE or registry:REFERENCE");
}

}  // namespace

bool writes_to_build_folder(const std::vector<std::string>& outputs, bool push, bool load) {
  return outputs.empty() && !push && !load;
}

std::vector<std::string> output_destinations(const std::vector<std::string>& outputs, bool push, bool load,
                                             const Reference& name, const fs::path& build_folder) {
  std::vector<std::string> destinations = outputs;
  if (push) destinations.push_back("registry:" + name.full());
  if (writes_to_build_folder(outputs, push, load)) {
    destinations.push_back("docker-archive:" + (build_folder / (file_safe(name.familiar()) + ".tar")).string());
  }
  return destinations;
}

LayoutDestination layout_destination(const std::string& layout, const Reference& name) {
  auto [dir, tag] = split_layout_reference(layout);
  if (dir.empty()) throw UsageError("--output oci: needs a folder, as in oci:DIR[:TAG]");
  return {dir, tag.value_or(name.tag_or_latest())};
}

std::string pushed_blob_counts(const PushResult& pushed) {
  return std::to_string(pushed.uploaded) + " blobs uploaded, " + std::to_string(pushed.mounted) + " mounted, " +
         std::to_string(pushed.existing) + " already there";
}

Reference push_target(const std::string& reference, const Reference& name) {
  Reference target = Reference::parse_or_throw(reference, "--output registry:");
  if (!target.tag && !target.digest) target.tag = name.tag_or_latest();
  return target;
}

std::optional<Reference> registry_destination(const std::string& destination) {
  if (!destination.starts_with("registry:")) return std::nullopt;
  return Reference::parse(destination.substr(9));
}

std::optional<std::string> registry_pushed_to(bool push, const Reference& name, const std::vector<std::string>& outputs) {
  if (push) return name.registry;
  for (const auto& destination : outputs) {
    if (auto target = registry_destination(destination)) return target->registry;
  }
  return std::nullopt;
}

std::optional<Reference> base_repository(const std::string& base_ref) {
  return is_registry_base(base_ref) ? Reference::parse(base_ref) : std::nullopt;
}

std::optional<MountSource> mount_source_for(const std::string& base_ref, const BaseImage& base) {
  const std::optional<Reference> source = base_repository(base_ref);
  if (!source) return std::nullopt;
  MountSource mount{*source, {}};
  for (const auto& layer : base.image.layers) mount.blobs.push_back(layer.blob.digest);
  return mount;
}

std::vector<WrittenOutput> write_outputs(const std::vector<std::string>& destinations, const Image& image,
                                         const Reference& name, const PushSettings& push, const BlobStore& store,
                                         Reporter& reporter) {
  std::vector<WrittenOutput> written;
  for (const auto& destination : destinations) {
    reporter.step("Writing " + destination);
    written.push_back(write_output(destination, image, name, push, store, reporter));
  }
  return written;
}

}  // namespace venv2docker
