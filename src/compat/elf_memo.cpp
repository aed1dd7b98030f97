#include "compat/elf_memo.h"

namespace venv2docker {

using nlohmann::json;

namespace {

// File names, paths and version names come from the file's bytes: kept as bytes.
json optional_bytes(const std::optional<std::string>& text) { return text ? cache_bytes(*text) : json(); }

std::optional<std::string> optional_from(const json& value) {
  return value.is_null() ? std::nullopt : std::optional<std::string>(bytes_from_cache(value));
}

json to_json(const ElfInfo& info) {
  json needs = json::array();
  for (const auto& [library, version] : info.version_needs) needs.push_back({cache_bytes(library), cache_bytes(version)});
  return {{"64", info.is_64bit},
          {"le", info.little_endian},
          {"machine", info.machine},
          {"interpreter", optional_bytes(info.interpreter)},
          {"needed", cache_bytes_list(info.needed)},
          {"rpath", cache_bytes_list(info.rpath)},
          {"runpath", cache_bytes_list(info.runpath)},
          {"soname", optional_bytes(info.soname)},
          {"version_needs", needs},
          {"version_definitions", cache_bytes_list(info.version_definitions)}};
}

ElfInfo from_json(const json& value) {
  ElfInfo info;
  info.is_64bit = value.at("64").get<bool>();
  info.little_endian = value.at("le").get<bool>();
  info.machine = value.at("machine").get<std::uint16_t>();
  info.interpreter = optional_from(value.at("interpreter"));
  info.needed = bytes_list_from_cache(value.at("needed"));
  info.rpath = bytes_list_from_cache(value.at("rpath"));
  info.runpath = bytes_list_from_cache(value.at("runpath"));
  info.soname = optional_from(value.at("soname"));
  for (const auto& need : value.at("version_needs")) {
    info.version_needs.emplace_back(bytes_from_cache(need.at(0)), bytes_from_cache(need.at(1)));
  }
  info.version_definitions = bytes_list_from_cache(value.at("version_definitions"));
  return info;
}

}  // namespace

ElfReading host_elf_of(const LayerEntry& entry, FileStatMemo* memo) {
  if (entry.kind != EntryKind::regular || entry.content || !may_be_elf(entry.path, entry.mode)) return {};
  if (memo) {
    if (auto remembered = memo->value(entry.source, entry.source_stat)) {
      try {
        // null: remembered as not ELF; a byte string: its problem.
        if (remembered->is_null()) return {};
        if (remembered->is_binary()) return {std::nullopt, bytes_from_cache(*remembered)};
        return {from_json(*remembered), std::nullopt};
      } catch (const json::exception&) {
        // A damaged record is read again below.
      }
    }
  }
  ElfReading reading = is_elf_file(entry.source) ? read_elf(entry.source) : ElfReading{};
  if (memo) {
    memo->remember(entry.source, entry.source_stat,
                   reading.info ? to_json(*reading.info) : reading.problem ? cache_bytes(*reading.problem) : json());
  }
  return reading;
}

}  // namespace venv2docker
