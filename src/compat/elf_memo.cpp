#include "compat/elf_memo.h"

namespace venv2docker {

using nlohmann::json;

namespace {

json to_json(const ElfInfo& info) {
  json needs = json::array();
  for (const auto& [library, version] : info.version_needs) needs.push_back({library, version});
  return {{"64", info.is_64bit},           {"le", info.little_endian},
          {"machine", info.machine},       {"interpreter", info.interpreter ? json(*info.interpreter) : json()},
          {"needed", info.needed},         {"rpath", info.rpath},
          {"runpath", info.runpath},       {"soname", info.soname ? json(*info.soname) : json()},
          {"version_needs", needs},        {"version_definitions", info.version_definitions}};
}

std::optional<std::string> optional_text(const json& value) {
  return value.is_null() ? std::nullopt : std::optional<std::string>(value.get<std::string>());
}

ElfInfo from_json(const json& value) {
  ElfInfo info;
  info.is_64bit = value.at("64").get<bool>();
  info.little_endian = value.at("le").get<bool>();
  info.machine = value.at("machine").get<std::uint16_t>();
  info.interpreter = optional_text(value.at("interpreter"));
  info.needed = value.at("needed").get<std::vector<std::string>>();
  info.rpath = value.at("rpath").get<std::vector<std::string>>();
  info.runpath = value.at("runpath").get<std::vector<std::string>>();
  info.soname = optional_text(value.at("soname"));
  for (const auto& need : value.at("version_needs")) {
    info.version_needs.emplace_back(need.at(0).get<std::string>(), need.at(1).get<std::string>());
  }
  info.version_definitions = value.at("version_definitions").get<std::vector<std::string>>();
  return info;
}

}  // namespace

std::optional<ElfInfo> host_elf_of(const LayerEntry& entry, FileStatMemo* memo) {
  if (entry.kind != EntryKind::regular || entry.content || !may_be_elf(entry.path, entry.mode)) return std::nullopt;
  if (memo) {
    if (auto remembered = memo->value(entry.source, entry.source_stat)) {
      try {
        // null: remembered as not ELF.
        return remembered->is_null() ? std::nullopt : std::optional<ElfInfo>(from_json(*remembered));
      } catch (const json::exception&) {
        // A damaged record is read again below.
      }
    }
  }
  std::optional<ElfInfo> info = is_elf_file(entry.source) ? read_elf(entry.source) : std::nullopt;
  if (memo) memo->remember(entry.source, entry.source_stat, info ? to_json(*info) : json());
  return info;
}

}  // namespace venv2docker
