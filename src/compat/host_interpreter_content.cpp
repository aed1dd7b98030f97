#include "compat/host_interpreter_content.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "store/cache_record.h"
#include "store/digest.h"

namespace venv2docker {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The names in folder `path`, hashed in order: a file added to or removed
// from a folder the collection walked changes what it would collect.
std::optional<std::string> names_digest(const std::string& path) {
  std::error_code error;
  std::vector<std::string> names;
  for (fs::directory_iterator it(path, error), end; !error && it != end; it.increment(error)) {
    names.push_back(it->path().filename().string());
  }
  if (error) return std::nullopt;
  std::sort(names.begin(), names.end());
  Sha256 hash;
  for (const std::string& name : names) hash.update(name.c_str(), name.size() + 1);  // with its NUL: names never hold one
  return hash.finish().str();
}

// What `check` sees at `path`, as every machine with the same files sees it:
// null when nothing is there; else the mode and, for a folder the
// collection passed through, nothing more; for a folder it read, its names;
// for a link, its target; for a file, its size and bytes. Nullopt when that
// cannot be read.
std::optional<json> observe(const std::string& path, HostInput::Check check, FileDigests& digests) {
  struct stat st {};
  const int found = check == HostInput::Check::stat ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st);
  if (found != 0) return json();
  json seen = json::array({st.st_mode});
  if (check == HostInput::Check::folder) return seen;
  if (S_ISDIR(st.st_mode)) {
    std::optional<std::string> names = names_digest(path);
    if (!names) return std::nullopt;
    seen.push_back(*names);
  } else if (S_ISLNK(st.st_mode)) {
    std::error_code error;
    const fs::path target = fs::read_symlink(path, error);
    if (error) return std::nullopt;
    seen.push_back(cache_bytes(target.string()));
  } else if (S_ISREG(st.st_mode)) {
    std::optional<Digest> bytes = digests.of(path, source_stat_of(st));
    if (!bytes) return std::nullopt;
    seen.push_back(static_cast<std::uint64_t>(st.st_size));
    seen.push_back(bytes->str());
  }
  return seen;
}

// Whether an observation (observe's) is of a file, with its bytes' digest.
bool holds_bytes(const json& observation) { return observation.is_array() && observation.size() == 3; }

json entry_json(const LayerEntry& entry) {
  return json::array({cache_bytes(entry.path), static_cast<int>(entry.kind), entry.mode, cache_bytes(entry.link_target),
                      cache_bytes(entry.source), entry.content ? cache_bytes(*entry.content) : json(), entry.size});
}

// One digest of what every input showed: a record stays small (a digest per
// file would be most of it, and hashes do not compress), and a fresh runner
// compares the whole.
std::string observations_digest(const json& observations) {
  const std::vector<std::uint8_t> cbor = json::to_cbor(observations);
  return sha256_of(std::string_view(reinterpret_cast<const char*>(cbor.data()), cbor.size())).str();
}

// The entry `value` records, when its file (if any) still has that size; its
// bytes are an input's, verified with the others.
std::optional<LayerEntry> verified_entry(const json& value) {
  LayerEntry entry;
  entry.path = bytes_from_cache(value.at(0));
  const int kind = value.at(1).get<int>();
  if (kind < static_cast<int>(EntryKind::directory) || kind > static_cast<int>(EntryKind::symlink)) return std::nullopt;
  entry.kind = static_cast<EntryKind>(kind);
  entry.mode = value.at(2).get<std::uint32_t>() & 07777;
  entry.link_target = bytes_from_cache(value.at(3));
  entry.source = bytes_from_cache(value.at(4));
  if (!value.at(5).is_null()) entry.content = bytes_from_cache(value.at(5));
  entry.size = value.at(6).get<std::uint64_t>();
  if (entry.kind != EntryKind::regular || entry.content) return entry;
  if (entry.source.empty()) return std::nullopt;
  entry.source_stat = lstat_source(entry.source);
  if (!entry.source_stat || entry.source_stat->size != entry.size) return std::nullopt;
  return entry;
}

}  // namespace

std::optional<json> host_interpreter_content(const HostInterpreter& host, FileDigests& digests) {
  json inputs = json::array();
  json observations = json::array();
  std::set<std::pair<std::string, HostInput::Check>> seen;
  std::set<std::string> hashed;
  for (const HostInput& input : host.inputs) {
    if (!seen.insert({input.path, input.check}).second) continue;
    std::optional<json> observed = observe(input.path, input.check, digests);
    if (!observed) return std::nullopt;
    if (input.check == HostInput::Check::lstat && holds_bytes(*observed)) hashed.insert(input.path);
    inputs.push_back(json::array({cache_bytes(input.path), static_cast<int>(input.check)}));
    observations.push_back(std::move(*observed));
  }
  json entries = json::array();
  for (const LayerEntry& entry : host.entries) {
    // A packed file must be an input seen with its bytes, so that they are among those verified.
    const bool packs_file = entry.kind == EntryKind::regular && !entry.content;
    if (packs_file && !hashed.contains(entry.source)) return std::nullopt;
    entries.push_back(entry_json(entry));
  }
  return json{{"executable", cache_bytes(host.executable)},
              {"warnings", cache_bytes_list(host.warnings)},
              {"inputs", std::move(inputs)},
              {"observed", observations_digest(observations)},
              {"entries", std::move(entries)}};
}

std::optional<HostInterpreter> verified_host_interpreter(const json& recorded, const std::string& executable,
                                                         FileDigests& digests) {
  try {
    HostInterpreter host;
    host.executable = bytes_from_cache(recorded.at("executable"));
    if (host.executable != executable) return std::nullopt;
    host.warnings = bytes_list_from_cache(recorded.at("warnings"));
    std::set<std::string> read_whole;  // paths observed with their bytes
    json observations = json::array();
    for (const json& input : recorded.at("inputs")) {
      const int check = input.at(1).get<int>();
      if (check < static_cast<int>(HostInput::Check::lstat) || check > static_cast<int>(HostInput::Check::folder)) {
        return std::nullopt;
      }
      const std::string path = bytes_from_cache(input.at(0));
      std::optional<json> now = observe(path, static_cast<HostInput::Check>(check), digests);
      if (!now) return std::nullopt;
      if (check == static_cast<int>(HostInput::Check::lstat) && holds_bytes(*now)) read_whole.insert(path);
      observations.push_back(std::move(*now));
    }
    if (observations_digest(observations) != recorded.at("observed").get<std::string>()) return std::nullopt;
    for (const json& value : recorded.at("entries")) {
      std::optional<LayerEntry> entry = verified_entry(value);
      // A file the collection packs is one whose bytes were just verified: a
      // record cannot add others of this host's files to the layer.
      if (!entry || (!entry->source.empty() && !read_whole.contains(entry->source))) return std::nullopt;
      host.entries.push_back(std::move(*entry));
    }
    return host;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

}  // namespace venv2docker
