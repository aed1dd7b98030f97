#include "build/venv_stage_record.h"

#include <system_error>

#include <nlohmann/json.hpp>

#include "layer/key_hasher.h"
#include "util/atomic_file.h"
#include "util/file_bytes.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

// Bump whenever relocation, the checks or the split decide differently for
// the same inputs: records made by older code then stop matching. The
// program's version is part of the key too, for releases.
constexpr std::uint64_t k_stage_format_version = 2;

void add_optional_path(KeyHasher& key, const std::optional<fs::path>& path) {
  key.add(path ? "yes" : "no");
  if (path) key.add(path->string());
}

// Relocation matches the real path of a symlinked venv or project too.
void add_canonical(KeyHasher& key, const fs::path& path) {
  std::error_code error;
  key.add(fs::weakly_canonical(path, error).string());
}

void add_venv(KeyHasher& key, const Venv& venv) {
  key.add(venv.root.string());
  add_canonical(key, venv.root);
  key.add(static_cast<std::uint64_t>(venv.config.size()));
  for (const auto& [name, value] : venv.config) {
    key.add(name);
    key.add(value);
  }
  key.add(venv.python_version);
  key.add(venv.free_threaded ? "free-threaded" : "gil");
  key.add(venv.site_packages.string());
  key.add(venv.home.string());
  add_optional_path(key, venv.project);
}

void add_relocation(KeyHasher& key, const RelocationParams& params) {
  key.add(params.venv_destination);
  add_optional_path(key, params.project_source);
  if (params.project_source) add_canonical(key, *params.project_source);
  key.add(params.project_destination);
  key.add(params.interpreter);
  add_optional_path(key, params.install_prefix);
}

// As --json reports it, plus the subject that --apt suggestions look up.
nlohmann::json finding_json(const Finding& finding) {
  nlohmann::json json = to_json(finding);
  json["subject"] = finding.subject;
  return json;
}

Finding finding_from(const nlohmann::json& json) {
  return Finding(json.at("severity").get<std::string>() == "error" ? Severity::error : Severity::warning,
                 json.at("check").get<std::string>(), json.at("message").get<std::string>(),
                 json.at("file").get<std::string>(), json.at("fix").get<std::string>(),
                 json.at("subject").get<std::string>());
}

}  // namespace

std::optional<LayerCacheKey> venv_stage_key(const VenvStageKeyInputs& in) {
  KeyHasher key;
  key.add(k_stage_format_version);
  key.add(VENV2DOCKER_VERSION);
  add_venv(key, *in.venv);
  add_relocation(key, *in.relocation);
  key.add(in.base->image.manifest_digest().str());
  key.add(in.base->name);
  key.add(in.base->is_scratch ? "scratch" : "image");
  key.add(in.python_from_host ? "host python" : "image python");
  key.add(static_cast<std::uint64_t>(in.max_layers));
  add_layer_options_key(key, in.layer_options);
  const std::size_t system_count = in.system_distributions ? in.system_distributions->size() : 0;
  key.add(static_cast<std::uint64_t>(system_count));
  for (std::size_t i = 0; i < system_count; ++i) {
    const SystemDistribution& distribution = (*in.system_distributions)[i];
    key.add(distribution.name);
    key.add(distribution.version);
    key.add(distribution.folder);
  }

  bool settled = true;
  const std::int64_t settled_before = nanoseconds_ago(k_settle_seconds);
  key.add(static_cast<std::uint64_t>(in.layers_below.size()));
  for (const auto* layer : in.layers_below) {
    if (!add_entries_key(key, *layer, settled_before, settled)) return std::nullopt;
  }
  if (!add_entries_key(key, *in.walked, settled_before, settled)) return std::nullopt;
  return LayerCacheKey{key.finish(), settled};
}

std::string late_layers_key(const std::vector<const std::vector<LayerEntry>*>& layers) {
  if (layers.empty()) return {};
  KeyHasher key;
  bool settled = true;  // only compared, never a reason not to record
  key.add(static_cast<std::uint64_t>(layers.size()));
  for (const auto* layer : layers) {
    if (!add_entries_key(key, *layer, 0, settled)) return "unreadable";
  }
  return key.finish().str();
}

std::optional<VenvStageRecord> find_venv_stage(const Digest& key, const BlobStore& store) {
  // Anything wrong with a record (hand-edited, from a crash before atomic
  // writes, its blobs pruned) is a miss: the stage simply runs.
  try {
    const std::optional<std::string> bytes = read_file_bytes(store.record_path("venv-stages", key, ".cbor"));
    if (!bytes) return std::nullopt;
    const auto json = nlohmann::json::from_cbor(*bytes);
    VenvStageRecord record;
    record.relocation_warnings = json.at("relocation_warnings").get<std::vector<std::string>>();
    record.venv_elf_files = json.at("venv_elf_files").get<std::vector<std::string>>();
    record.late_layers_key = json.at("late_layers_key").get<std::string>();
    const auto& report = json.at("report");
    record.report.venv = report.at("venv").get<std::string>();
    record.report.base = report.at("base").get<std::string>();
    if (!report.at("interpreter").is_null()) record.report.interpreter = report.at("interpreter").get<std::string>();
    for (const auto& finding : report.at("findings")) record.report.findings.push_back(finding_from(finding));
    for (const auto& layer : json.at("layers")) {
      const auto digest = Digest::parse(layer.at("digest").get<std::string>());
      const auto diff_id = Digest::parse(layer.at("diff_id").get<std::string>());
      const auto size = layer.at("size").get<std::uint64_t>();
      if (!digest || !diff_id || !store.has(*digest) || store.size_of(*digest) != size) return std::nullopt;
      record.layers.push_back({layer.at("name").get<std::string>(),
                               Layer{Descriptor{layer.at("media_type").get<std::string>(), *digest, size, {}, std::nullopt},
                                     *diff_id}});
    }
    return record;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void record_venv_stage(const Digest& key, const VenvStageRecord& record, const BlobStore& store) {
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& finding : record.report.findings) findings.push_back(finding_json(finding));
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& [name, layer] : record.layers) {
    layers.push_back({{"name", name},
                      {"media_type", layer.blob.media_type},
                      {"digest", layer.blob.digest.str()},
                      {"size", layer.blob.size},
                      {"diff_id", layer.diff_id.str()}});
  }
  const nlohmann::json json = {
      {"relocation_warnings", record.relocation_warnings},
      {"venv_elf_files", record.venv_elf_files},
      {"late_layers_key", record.late_layers_key},
      {"report",
       {{"venv", record.report.venv},
        {"base", record.report.base},
        {"interpreter", record.report.interpreter ? nlohmann::json(*record.report.interpreter) : nlohmann::json(nullptr)},
        {"findings", findings}}},
      {"layers", layers}};
  // CBOR, not JSON text: warnings and ELF files name host paths, which are
  // bytes and need not be UTF-8.
  const std::vector<std::uint8_t> bytes = nlohmann::json::to_cbor(json);
  write_file_atomically(store.record_path("venv-stages", key, ".cbor"), std::string(bytes.begin(), bytes.end()));
}

}  // namespace venv2docker
