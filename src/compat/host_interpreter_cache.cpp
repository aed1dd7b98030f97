#include "compat/host_interpreter_cache.h"

#include <set>

#include "store/cache_record.h"
#include "store/digest.h"

namespace venv2docker {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Bump when collect_host_interpreter changes what it collects for the same
// inputs, or when the record's encoding changes.
constexpr CacheRecordKind k_host_interpreter_record{"host-interpreter", 3, std::size_t{256} << 20};

// The record's name: what the collection depends on besides its recorded
// inputs. Host paths are bytes, so the key is hashed as CBOR, not JSON text.
fs::path record_path(const Venv& venv, bool with_minimal_root, const std::vector<std::string>& venv_elf_files,
                     const fs::path& cache_folder) {
  json key = json::array({k_host_interpreter_record.version, cache_bytes(host_interpreter_path(venv)), with_minimal_root});
  for (const auto& file : venv_elf_files) key.push_back(json::array({cache_bytes(file), stat_json(lstat_source(file))}));
  const std::vector<std::uint8_t> bytes = json::to_cbor(key);
  return cache_record_path(cache_folder, "interpreters",
                           sha256_of(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size())));
}

json entry_json(const LayerEntry& entry) {
  return json::array({cache_bytes(entry.path),
                      static_cast<int>(entry.kind),
                      entry.mode,
                      cache_bytes(entry.link_target),
                      cache_bytes(entry.source),
                      entry.content ? cache_bytes(*entry.content) : json(),
                      entry.size,
                      stat_json(entry.source_stat)});
}

LayerEntry entry_from(const json& value) {
  LayerEntry entry;
  entry.path = bytes_from_cache(value.at(0));
  entry.kind = static_cast<EntryKind>(value.at(1).get<int>());
  entry.mode = value.at(2).get<std::uint32_t>();
  entry.link_target = bytes_from_cache(value.at(3));
  entry.source = bytes_from_cache(value.at(4));
  if (!value.at(5).is_null()) entry.content = bytes_from_cache(value.at(5));
  entry.size = value.at(6).get<std::uint64_t>();
  entry.source_stat = stat_from_json(value.at(7));
  return entry;
}

std::optional<HostInterpreter> load_record(const fs::path& file) {
  const std::optional<json> record = read_cache_record(file, k_host_interpreter_record);
  if (!record) return std::nullopt;
  try {
    HostInterpreter host;
    host.executable = bytes_from_cache(record->at("executable"));
    host.warnings = bytes_list_from_cache(record->at("warnings"));
    for (const auto& input : record->at("inputs")) {
      host.inputs.push_back({bytes_from_cache(input.at(0)), static_cast<HostInput::Check>(input.at(1).get<int>()),
                             stat_from_json(input.at(2))});
    }
    for (const auto& entry : record->at("entries")) host.entries.push_back(entry_from(entry));
    return host;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

void save_record(const fs::path& file, const HostInterpreter& host) {
  json inputs = json::array();
  std::set<std::pair<std::string, HostInput::Check>> seen;
  for (const auto& input : host.inputs) {
    if (seen.insert({input.path, input.check}).second) {
      inputs.push_back(json::array({cache_bytes(input.path), static_cast<int>(input.check), stat_json(input.stat)}));
    }
  }
  json entries = json::array();
  for (const auto& entry : host.entries) entries.push_back(entry_json(entry));
  write_cache_record(file, k_host_interpreter_record,
                     json{{"executable", cache_bytes(host.executable)},
                          {"warnings", cache_bytes_list(host.warnings)},
                          {"inputs", inputs},
                          {"entries", entries}});
}

bool settled(const std::vector<HostInput>& inputs) {
  const std::int64_t settled_before = nanoseconds_ago(k_settle_seconds);
  for (const auto& input : inputs) {
    if (input.stat && changed_since(*input.stat, settled_before)) return false;
  }
  return true;
}

}  // namespace

bool host_inputs_unchanged(const std::vector<HostInput>& inputs) {
  for (const auto& input : inputs) {
    if (observe_host_input(input.path, input.check) != input.stat) return false;
  }
  return true;
}

HostInterpreter collect_host_interpreter_cached(const Venv& venv, bool with_minimal_root,
                                                const std::vector<std::string>& venv_elf_files,
                                                const fs::path& cache_folder, bool* reused) {
  const fs::path record = record_path(venv, with_minimal_root, venv_elf_files, cache_folder);
  if (auto host = load_record(record); host && host_inputs_unchanged(host->inputs)) {
    if (reused) *reused = true;
    return std::move(*host);
  }
  if (reused) *reused = false;
  HostInterpreter host = collect_host_interpreter(venv, with_minimal_root, venv_elf_files);
  if (settled(host.inputs)) save_record(record, host);
  return host;
}

}  // namespace venv2docker
