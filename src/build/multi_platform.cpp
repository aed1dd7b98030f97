#include "build/multi_platform.h"

#include <algorithm>
#include <map>

#include "build/image_sbom.h"
#include "build/output_targets.h"
#include "image/oci_layout_writer.h"
#include "remote/registry_index_push.h"
#include "store/blob_store.h"
#include "util/error.h"
#include "util/text_util.h"

namespace venv2docker {

namespace {

const char* const k_index_outputs_hint =
    "write the index with -o oci:DIR[:TAG] or push it (--push, -o registry:REF), or build one --platform at a time";

std::string platform_names(const std::vector<Platform>& platforms) {
  std::vector<std::string> names;
  for (const Platform& platform : platforms) names.push_back(platform.str());
  return join_with(names, ",");
}

// --venv PLATFORM=PATH, by platform.
std::map<std::string, std::string> venvs_by_platform(const std::vector<std::string>& entries,
                                                     const std::vector<Platform>& platforms) {
  std::map<std::string, std::string> venvs;
  for (const std::string& entry : entries) {
    const std::size_t equals = entry.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == entry.size()) {
      throw UsageError("--venv \"" + entry + "\" is not PLATFORM=PATH",
                       "name the platform and its venv, as in --venv linux/arm64=venv-arm64");
    }
    const Platform platform = Platform::parse(entry.substr(0, equals), "--venv");
    if (std::find(platforms.begin(), platforms.end(), platform) == platforms.end()) {
      throw UsageError("--venv names " + platform.str() + ", which --platform does not list (" +
                           (platforms.empty() ? std::string("it is not given") : platform_names(platforms)) + ")",
                       "add " + platform.str() + " to --platform, or leave that --venv out");
    }
    if (!venvs.emplace(platform.str(), entry.substr(equals + 1)).second) {
      throw UsageError("--venv names " + platform.str() + " twice", "give one venv per platform");
    }
  }
  return venvs;
}

// What an index can go to, checked before any long work.
void check_index_outputs(const BuildOptions& options, const std::vector<Platform>& platforms) {
  const std::string several = "--platform names " + std::to_string(platforms.size()) + " platforms (" +
                              platform_names(platforms) + ")";
  if (options.load) {
    throw UsageError("--load loads one image, and " + several,
                     "load one platform (--platform " + platforms.front().str() + " --load), or " + k_index_outputs_hint);
  }
  if (options.sbom_file) {
    throw UsageError("--sbom FILE holds one image's SBOM, and " + several,
                     "build one --platform with --sbom FILE; each platform's image pushed to a registry gets its "
                     "own SBOM as a referrer");
  }
  if (options.cache_to) {
    throw UsageError("--cache-to records one image's build, and " + several, "build one --platform with --cache-to");
  }
  for (const std::string& output : options.outputs) {
    if (output.starts_with("docker-archive:")) {
      throw UsageError("-o " + output + " cannot hold an image index, and " + several +
                           ": docker load before Docker 25 reads one image per name from an archive",
                       k_index_outputs_hint);
    }
  }
  if (options.outputs.empty() && !options.push) {
    throw UsageError(several + ", and the default output is a docker-archive, which cannot hold an image index",
                     k_index_outputs_hint);
  }
}

// Each finding of a platform's report says which platform it is about.
void add_findings(CompatReport& into, const CompatReport& from, const std::string& platform) {
  for (Finding finding : from.findings) {
    finding.message = platform + ": " + finding.message;
    into.findings.push_back(std::move(finding));
  }
}

}  // namespace

std::vector<Platform> requested_platforms(const std::optional<std::string>& option) {
  std::vector<Platform> platforms;
  if (!option) return platforms;
  for (const std::string& text : split_nonempty(*option, ',')) {
    Platform platform = Platform::parse(trim(text));
    if (std::find(platforms.begin(), platforms.end(), platform) == platforms.end()) platforms.push_back(platform);
  }
  if (platforms.empty()) throw UsageError("--platform \"" + *option + "\" names no platform", "as in --platform linux/amd64,linux/arm64");
  return platforms;
}

bool builds_per_platform(const BuildOptions& options) {
  // A list, even of one platform twice, is normalised by per_platform_options.
  return !options.platform_venvs.empty() || (options.platform && options.platform->find(',') != std::string::npos);
}

std::vector<BuildOptions> per_platform_options(const BuildOptions& options) {
  const std::vector<Platform> platforms = requested_platforms(options.platform);
  const std::map<std::string, std::string> venvs = venvs_by_platform(options.platform_venvs, platforms);
  const bool several = platforms.size() > 1;
  if (several && !options.check_only) check_index_outputs(options, platforms);
  std::vector<BuildOptions> each;
  for (const Platform& platform : platforms) {
    BuildOptions one = options;
    one.platform = platform.str();
    one.platform_venvs.clear();
    if (auto venv = venvs.find(platform.str()); venv != venvs.end()) one.venv = venv->second;
    one.write_outputs = !several;
    each.push_back(std::move(one));
  }
  return each;
}

BuildResult write_platform_index(const BuildOptions& options, std::vector<BuildResult> built, Reporter& reporter) {
  BuildResult result = built.front();
  result.report.findings.clear();
  std::vector<Image> images;
  std::vector<MountSource> mount_from;
  for (const BuildResult& one : built) {
    add_findings(result.report, one.report, Platform::from_json(one.image.config).str());
    images.push_back(one.image);
    if (one.pending) mount_from.insert(mount_from.end(), one.pending->mount_from.begin(), one.pending->mount_from.end());
  }
  if (options.check_only) return result;

  const ImageIndex index = image_index(std::move(images));
  const PendingOutputs& pending = *built.front().pending;
  const BlobStore store(options.cache_dir.value_or(BlobStore::default_root()));
  for (const std::string& destination : pending.destinations) {
    reporter.step("Writing the index of " + std::to_string(index.images.size()) + " platforms to " + destination);
    if (destination.starts_with("oci:")) {
      const LayoutDestination layout = layout_destination(destination.substr(4), result.name);
      write_oci_layout_index(index, store, layout.dir, layout.tag);
      result.outputs.push_back(WrittenOutput{"oci", layout.dir, layout.tag, index.digest().str()});
    } else if (destination.starts_with("registry:")) {
      const Reference target = push_target(destination.substr(9), result.name);
      const PushResult pushed = push_index(index, target, mount_from, pending.registry, store, reporter);
      reporter.step("Pushed " + pushed.reference + " " + pushed.digest.str() + " (an index of " +
                    std::to_string(index.images.size()) + " images; " + pushed_blob_counts(pushed) + ")");
      result.outputs.push_back(WrittenOutput{"registry", pushed.reference, target.tag_or_latest(), pushed.digest.str()});
    } else {
      throw UsageError("--output \"" + destination + "\" cannot hold an image index", k_index_outputs_hint);
    }
  }
  if (options.sbom) {
    for (const BuildResult& one : built) {
      deliver_sbom(one.image, one.name, options.epoch, one.pending->sbom_packages, result.outputs,
                   {std::nullopt, pending.registry}, store, reporter);
    }
  }
  result.index = index;
  return result;
}

}  // namespace venv2docker
