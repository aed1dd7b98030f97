#include "build/image_assembly.h"

#include <nlohmann/json.hpp>

namespace venv2docker {

namespace {

constexpr const char* k_default_path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

std::string base_path_variable(const Image& base) {
  for (const auto& entry : base.config.value("config", nlohmann::json::object()).value("Env", nlohmann::json::array())) {
    std::string text = entry.get<std::string>();
    if (text.starts_with("PATH=")) return text.substr(5);
  }
  return k_default_path;
}

}  // namespace

Image assemble_image(const BaseImage& base, const std::vector<NewLayer>& layers, const RuntimeOptions& runtime,
                     const ImagePaths& paths, std::int64_t created, const std::vector<std::string>& annotations,
                     const BlobStore& store) {
  AssemblyOptions assembly;
  assembly.created = created;
  if (!base.is_scratch) {
    assembly.annotations["org.opencontainers.image.base.name"] = base.name;
    assembly.annotations["org.opencontainers.image.base.digest"] = base.image.manifest_digest().str();
  }
  for (const auto& [key, value] : parse_assignments(annotations, "--annotation")) assembly.annotations[key] = value;
  const ContainerSettings settings =
      container_settings(runtime, paths.venv, paths.project, base_path_variable(base.image));
  return append_layers(base, layers, settings, assembly, store);
}

}  // namespace venv2docker
