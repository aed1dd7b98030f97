#include "build/result_references.h"

#include "image/media_types.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

std::string pushed_name(const WrittenOutput& output) {
  const auto reference = Reference::parse(output.path.string());
  return reference ? reference->name() : output.path.string();
}

}  // namespace

std::vector<std::string> output_references(const BuildResult& result) {
  const std::string manifest = result.image.manifest_digest().str();
  std::vector<std::string> lines;
  for (const auto& output : result.outputs) {
    // An output that says what it holds (a push, a platform index) names it.
    const std::string digest = output.digest.empty() ? manifest : output.digest;
    if (output.type == "registry") {
      lines.push_back(pushed_name(output) + "@" + digest);
    } else if (output.type == "oci") {
      lines.push_back("oci:" + fs::absolute(output.path).string() + ":" + output.tag + "@" + digest);
    } else {
      lines.push_back(output.type + ":" + fs::absolute(output.path).string() + "@" + digest);
    }
  }
  if (result.loaded) lines.push_back(result.name.familiar());
  return lines;
}

std::string image_id(const BuildResult& result) {
  return (result.index ? result.index->digest() : result.image.config_digest()).str();
}

nlohmann::json build_metadata(const BuildResult& result) {
  std::string names = result.name.full();
  for (const auto& output : result.outputs) {
    if (output.type == "registry" && output.path.string() != result.name.familiar()) {
      if (auto pushed = Reference::parse(output.path.string())) names += "," + pushed->full();
    }
  }
  // Several platforms: the index is what was built, as buildx reports it.
  const std::string digest = result.index ? result.index->digest().str() : result.image.manifest_digest().str();
  const std::string media_type =
      result.index ? std::string(media_type::oci_index) : std::string(manifest_media_type(result.image.family));
  const std::size_t size = result.index ? result.index->raw.size() : result.image.raw_manifest.size();
  nlohmann::json metadata = {{"containerimage.digest", digest},
                              {"containerimage.descriptor", {{"mediaType", media_type}, {"digest", digest}, {"size", size}}},
                              {"image.name", names}};
  if (!result.index) metadata["containerimage.config.digest"] = result.image.config_digest().str();
  return metadata;
}

void write_result_file(const fs::path& file, const std::string& text, const std::string& flag) {
  if (file.empty()) throw UsageError(flag + " names no file", "pass " + flag + " FILE");
  AtomicFile out(file);
  out.write(text);
  out.commit();
}

}  // namespace venv2docker
