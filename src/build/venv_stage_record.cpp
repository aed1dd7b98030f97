#include "build/venv_stage_record.h"

#include <system_error>

#include <nlohmann/json.hpp>

#include "layer/content_layer_key.h"
#include "layer/key_hasher.h"
#include "layer/shared_layers.h"
#include "store/cache_record.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

// Bump whenever relocation, the checks or the split decide differently for
// the same inputs: records made by older code then stop matching. The
// program's version is part of the key too, for releases.
constexpr std::uint64_t k_stage_format_version = 4;

constexpr CacheRecordKind k_venv_stage_record{"venv-stage", 3, std::size_t{256} << 20};

fs::path record_path(const Digest& key, const BlobStore& store) {
  return cache_record_path(store.root(), "venv-stages", key);
}

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
  key.add(params.interpreter_release);
  add_optional_path(key, params.install_prefix);
}

// Messages name host paths, which are bytes: every field is kept as bytes.
nlohmann::json finding_json(const Finding& finding) {
  return nlohmann::json::array({finding.severity == Severity::error ? "error" : "warning", cache_bytes(finding.check),
                                cache_bytes(finding.message), cache_bytes(finding.file), cache_bytes(finding.fix),
                                cache_bytes(finding.subject)});
}

Finding finding_from(const nlohmann::json& json) {
  return Finding(json.at(0).get<std::string>() == "error" ? Severity::error : Severity::warning,
                 bytes_from_cache(json.at(1)), bytes_from_cache(json.at(2)), bytes_from_cache(json.at(3)),
                 bytes_from_cache(json.at(4)), bytes_from_cache(json.at(5)));
}

nlohmann::json layer_json(const VenvStageLayer& layer) {
  return {{"name", cache_bytes(layer.name)},
          {"media_type", layer.layer.blob.media_type},
          {"digest", layer.layer.blob.digest.str()},
          {"size", layer.layer.blob.size},
          {"diff_id", layer.layer.diff_id.str()}};
}

// The layer as recorded, when its digests are valid.
std::optional<VenvStageLayer> layer_from(const nlohmann::json& json) {
  const auto digest = Digest::parse(json.at("digest").get<std::string>());
  const auto diff_id = Digest::parse(json.at("diff_id").get<std::string>());
  if (!digest || !diff_id) return std::nullopt;
  return VenvStageLayer{bytes_from_cache(json.at("name")),
                        Layer{Descriptor{json.at("media_type").get<std::string>(), *digest,
                                         json.at("size").get<std::uint64_t>(), {}, std::nullopt},
                              *diff_id}};
}

// Everything in the key but the entries, which the two keys add differently.
void add_stage_inputs(KeyHasher& key, const VenvStageKeyInputs& in) {
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
  key.add(in.layer_below ? in.layer_below->str() : std::string("no layer below"));
}

}  // namespace

CacheKey walked_entries_key(const WalkedTree& walked, std::vector<std::string>& warnings) {
  KeyHasher key;
  bool settled = true;
  const std::int64_t settled_before = nanoseconds_ago(k_settle_seconds);
  std::uint64_t count = 0;
  walked.visit(
      [&](const LayerEntry& entry) {
        // Every walked file carries the walk's lstat: nothing to stat again.
        add_entry_key(key, entry, settled_before, settled);
        ++count;
      },
      &warnings);
  key.add(count);
  return CacheKey{key.finish(), settled};
}

CacheKey venv_stage_key(const VenvStageKeyInputs& in) {
  KeyHasher key;
  add_stage_inputs(key, in);
  key.add(in.walked_key->digest.str());
  return CacheKey{key.finish(), in.walked_key->settled};
}

std::optional<Digest> venv_stage_content_key(const VenvStageKeyInputs& in) {
  KeyHasher key;
  key.add("by content");  // never equal to a key by lstat
  add_stage_inputs(key, in);
  FileDigests* digests = in.layer_options.shared ? &in.layer_options.shared->file_digests() : nullptr;
  if (!add_entries_content_key(key, *in.walked, digests)) return std::nullopt;
  return key.finish();
}

std::string interpreter_layer_key(const std::vector<LayerEntry>& entries) {
  KeyHasher key;
  bool settled = true;  // only compared, never a reason not to record
  if (!add_entries_key(key, entries, 0, settled)) return "unreadable";
  return key.finish().str();
}

std::string interpreter_content_key(const std::vector<LayerEntry>& entries, FileDigests* digests) {
  KeyHasher key;
  key.add("by content");
  if (!add_entries_content_key(key, entries, digests)) return "unreadable";
  return key.finish().str();
}

std::optional<VenvStageRecord> venv_stage_from_json(const nlohmann::json& json,
                                                    const std::function<bool(const Layer&)>& usable) {
  try {
    VenvStageRecord record;
    record.relocation_warnings = bytes_list_from_cache(json.at("relocation_warnings"));
    record.venv_elf_files = bytes_list_from_cache(json.at("venv_elf_files"));
    record.interpreter_layer_key = json.at("interpreter_layer_key").get<std::string>();
    const auto& report = json.at("report");
    record.report.venv = bytes_from_cache(report.at("venv"));
    record.report.base = bytes_from_cache(report.at("base"));
    if (!report.at("interpreter").is_null()) record.report.interpreter = bytes_from_cache(report.at("interpreter"));
    for (const auto& finding : report.at("findings")) record.report.findings.push_back(finding_from(finding));
    for (const auto& item : json.at("layers")) {
      std::optional<VenvStageLayer> layer = layer_from(item);
      if (!layer || !usable(layer->layer)) return std::nullopt;
      record.layers.push_back(std::move(*layer));
    }
    // Checked when used (verified_host_interpreter): here only kept.
    if (json.contains("interpreter_collection")) record.interpreter_collection = json.at("interpreter_collection");
    return record;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

nlohmann::json venv_stage_json(const VenvStageRecord& record) {
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& finding : record.report.findings) findings.push_back(finding_json(finding));
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& layer : record.layers) layers.push_back(layer_json(layer));
  nlohmann::json body = {{"relocation_warnings", cache_bytes_list(record.relocation_warnings)},
          {"venv_elf_files", cache_bytes_list(record.venv_elf_files)},
          {"interpreter_layer_key", record.interpreter_layer_key},
          {"report",
           {{"venv", cache_bytes(record.report.venv)},
            {"base", cache_bytes(record.report.base)},
            {"interpreter", record.report.interpreter ? cache_bytes(*record.report.interpreter) : nlohmann::json()},
            {"findings", findings}}},
          {"layers", layers}};
  if (record.interpreter_collection) body["interpreter_collection"] = *record.interpreter_collection;
  return body;
}

std::optional<VenvStageRecord> find_venv_stage(const Digest& key, const BlobStore& store) {
  // Anything wrong with a record (hand-edited, its blobs pruned) is a miss:
  // the stage simply runs.
  const std::optional<nlohmann::json> json = read_cache_record(record_path(key, store), k_venv_stage_record);
  if (!json) return std::nullopt;
  return venv_stage_from_json(*json, [&](const Layer& layer) {
    return store.has(layer.blob.digest) && store.size_of(layer.blob.digest) == layer.blob.size;
  });
}

void record_venv_stage(const Digest& key, const VenvStageRecord& record, const BlobStore& store) {
  write_cache_record(record_path(key, store), k_venv_stage_record, venv_stage_json(record));
}

}  // namespace venv2docker
