#include "image/image_builder.h"

#include <ctime>

#include "image/oci_conversion.h"
#include "util/error.h"

namespace venv2docker {

using nlohmann::json;

std::string rfc3339_utc(std::int64_t seconds) {
  std::time_t time = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&time, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

namespace {

void apply_env(json& runtime, const std::map<std::string, std::string>& changes) {
  json env = json::array();
  std::map<std::string, std::string> pending = changes;
  for (const auto& entry : runtime.value("Env", json::array())) {
    std::string text = entry.get<std::string>();
    std::string key = text.substr(0, text.find('='));
    if (auto change = pending.find(key); change != pending.end()) {
      env.push_back(key + "=" + change->second);
      pending.erase(change);
    } else {
      env.push_back(text);
    }
  }
  for (const auto& [key, value] : pending) env.push_back(key + "=" + value);
  runtime["Env"] = env;
}

void add_set(json& runtime, const char* field, const std::vector<std::string>& keys) {
  if (keys.empty()) return;
  if (!runtime.contains(field) || !runtime[field].is_object()) runtime[field] = json::object();
  for (const auto& key : keys) runtime[field][key] = json::object();
}

json runtime_config(const json& base_runtime, const ContainerSettings& settings) {
  json runtime = base_runtime.is_object() ? base_runtime : json::object();
  apply_env(runtime, settings.env);
  if (settings.entrypoint) {
    // No words: reset, as docker writes ENTRYPOINT [].
    runtime["Entrypoint"] = settings.entrypoint->empty() ? json(nullptr) : json(*settings.entrypoint);
    // As in a Dockerfile: a new entrypoint drops the base's command.
    if (!settings.cmd) runtime.erase("Cmd");
  }
  if (settings.cmd) runtime["Cmd"] = *settings.cmd;
  if (settings.user) runtime["User"] = *settings.user;
  if (settings.workdir) runtime["WorkingDir"] = *settings.workdir;
  add_set(runtime, "ExposedPorts", settings.exposed_ports);
  add_set(runtime, "Volumes", settings.volumes);
  for (const auto& [key, value] : settings.labels) runtime["Labels"][key] = value;
  return runtime;
}

}  // namespace

Image append_layers(const BaseImage& base, const std::vector<NewLayer>& layers, const ContainerSettings& settings,
                    const AssemblyOptions& options, const BlobStore& store) {
  // Whatever the base's family, the new image is OCI (docs/images.md): a
  // Docker base's descriptors are converted, its blobs stay as they are.
  const Image from = as_oci_image(base.image, "the base image " + base.name);
  std::string created = rfc3339_utc(options.created);

  json config = from.config;
  config["created"] = created;
  config["config"] = runtime_config(from.config.value("config", json::object()), settings);
  // Settings of the container that built the base describe another image.
  config.erase("container");
  config.erase("container_config");
  if (!config.contains("history") || !config["history"].is_array()) config["history"] = json::array();
  json& history = config["history"];
  // Readers pair history entries that are not empty_layer with layers, in
  // order; a base built without history (or with too little) gets entries for
  // its layers first, as BuildKit does, so ours pair with our layers.
  std::size_t described = 0;
  for (const auto& entry : history) described += entry.is_object() && entry.value("empty_layer", false) ? 0 : 1;
  if (described < from.layers.size()) {
    json missing = json::array();
    for (std::size_t i = described; i < from.layers.size(); ++i) {
      missing.push_back({{"comment", "a layer of the base image, which has no history entry for it"}});
    }
    missing.insert(missing.end(), history.begin(), history.end());
    history = std::move(missing);
  }
  for (const auto& added : layers) {
    if (!added.layer.blob.media_type.starts_with("application/vnd.oci.image.layer.")) {
      throw Error("internal: a " + added.layer.blob.media_type + " layer cannot go into an OCI image");
    }
    config["rootfs"]["diff_ids"].push_back(added.layer.diff_id.str());
    history.push_back({{"created", created}, {"created_by", added.created_by}, {"comment", "venv2docker"}});
  }
  std::string raw_config = canonical_json(config);
  store.put(raw_config);

  std::vector<Descriptor> layer_list;
  for (const auto& layer : from.layers) layer_list.push_back(layer.blob);
  for (const auto& added : layers) layer_list.push_back(added.layer.blob);
  std::string raw_manifest = image_manifest(MediaFamily::oci, raw_config, layer_list, options.annotations);
  store.put(raw_manifest);
  return image_from_documents(raw_manifest, raw_config, "the new image");
}

}  // namespace venv2docker
