#include "compat/compat_check.h"

#include <algorithm>
#include <map>
#include <sstream>
#include <functional>
#include <unordered_map>
#include <unordered_set>

#include "compat/elf.h"
#include "compat/elf_memo.h"
#include "compat/glibc_version.h"
#include "compat/library_search.h"
#include "compat/system_site_packages.h"
#include "image/platform.h"
#include "tar/entry_order.h"

namespace venv2docker {

namespace {

// Enough to show which packages to rebuild; a message is read, not parsed.
constexpr std::size_t k_max_listed_foreign_files = 20;

// The image's file system as the container will see it: the base, then the
// added layers, then the venv. Host sources of added files are kept so their
// bytes can be read when needed.
struct ImageView {
  FileIndex files;
  /// Image path -> the host file of a venv or added layer's entry (the
  /// entries outlive the view).
  std::unordered_map<std::string, const std::string*> host_sources;

  void add(const std::vector<LayerEntry>& entries, std::size_t layer,
           const std::function<bool(const LayerEntry&)>& asked = nullptr) {
    for (const auto& entry : entries) {
      if (asked && !asked(entry)) continue;
      // Like a base layer's index, only the few files the checks read keep their bytes.
      static const ContentSelection k_checked = checked_contents();
      std::optional<std::string> content =
          entry.content && k_checked.selects(entry.path, entry.size) ? entry.content : std::nullopt;
      files.apply(entry.path, IndexedFile{entry.kind, entry.link_target, entry.size, entry.mode, std::move(content), std::nullopt},
                  layer);
      if (entry.kind == EntryKind::regular && !entry.content) host_sources[entry.path] = &entry.source;
    }
  }
  bool is_file(const std::string& path) const {
    auto resolved = files.resolve(path);
    return resolved && files.find(*resolved)->kind == EntryKind::regular;
  }
  ElfReading elf(const std::string& path) const {
    auto resolved = files.resolve(path);
    if (!resolved) return {};
    if (auto source = host_sources.find(*resolved); source != host_sources.end()) return read_elf(*source->second);
    const IndexedFile* file = files.find(*resolved);
    if (!file->content) return {};
    return parse_elf(reinterpret_cast<const unsigned char*>(file->content->data()), file->content->size(), *resolved);
  }
  std::vector<std::string> library_dirs() const {
    auto read_text = [&](const std::string& path) -> std::optional<std::string> {
      auto resolved = files.resolve(path);
      if (!resolved) return std::nullopt;
      return files.find(*resolved)->content;
    };
    auto glob_files = [&](const std::string& pattern) {
      // ld.so.conf includes are "folder/*.conf" in practice.
      std::vector<std::string> matches;
      auto slash = pattern.rfind('/');
      std::string folder = pattern.substr(0, slash), suffix = pattern.substr(pattern.find('*') + 1);
      for (const auto& path : files.under(folder)) {
        if (path.rfind('/') == slash && path.ends_with(suffix)) matches.push_back(path);
      }
      return matches;
    };
    return system_library_dirs(read_text, glob_files);
  }
};

struct VenvBinary {
  std::string image_path;
  std::string host_path;
  ElfInfo info;
};

// A file that cannot be read as ELF is only warned about: the loader would
// refuse it as well, and the other checks still stand.
void report_unreadable_elf(const std::string& problem, const std::string& file, CompatReport& report) {
  report.findings.push_back({Severity::warning, "malformed-elf", problem + "; the checks skipped it", file,
                             "reinstall the package that provides it, or leave it out with --exclude"});
}

std::vector<VenvBinary> venv_binaries(const std::vector<const LayerEntry*>& entries, FileStatMemo* elf_memo,
                                      CompatReport& report) {
  std::vector<VenvBinary> binaries;
  for (const LayerEntry* entry : entries) {
    auto [info, problem] = host_elf_of(*entry, elf_memo);
    if (problem) report_unreadable_elf(*problem, entry->source, report);
    if (info) binaries.push_back({entry->path, entry->source, std::move(*info)});
  }
  return binaries;
}

void check_interpreter(const CompatInputs& in, CompatReport& report) {
  const Venv& venv = *in.venv;
  if (in.host_interpreter) {
    report.interpreter = in.host_interpreter;
    return;
  }
  report.interpreter = image_interpreter_for(venv, *in.base_files);
  if (report.interpreter) return;
  std::vector<std::string> found = list_interpreters(*in.base_files);
  std::string seen;
  for (const auto& path : found) seen += (seen.empty() ? "" : ", ") + path;
  if (found.empty()) {
    report.findings.push_back({Severity::error, "no-python",
                               "the base image " + in.base_name + " has no Python; the venv needs Python " + venv.python_tag(),
                               (venv.root / "pyvenv.cfg").string(),
                               "use a base with python" + venv.python_tag() + " (e.g. python:" + venv.python_version +
                                   "-slim), or add the venv's own interpreter with --python-from host"});
  } else {
    report.findings.push_back({Severity::error, "python-version",
                               "the venv was made with Python " + venv.python_tag() + " but the base image " + in.base_name +
                                   " has " + seen,
                               (venv.root / "pyvenv.cfg").string(),
                               "use a base with Python " + venv.python_version + " (e.g. python:" + venv.python_version +
                                   "-slim), recreate the venv with the base's Python, or use --python-from host"});
  }
}

void check_config(const CompatInputs& in, CompatReport& report) {
  const auto& env = in.base->image.config.value("config", nlohmann::json::object()).value("Env", nlohmann::json::array());
  for (const auto& entry : env) {
    if (entry.is_string() && entry.get<std::string>().starts_with("PYTHONHOME=")) {
      report.findings.push_back({Severity::error, "pythonhome",
                                 "the base image sets " + entry.get<std::string>() + ", which stops Python from finding the venv",
                                 "config of " + in.base_name, "use a base that does not set PYTHONHOME"});
    }
  }
}

// Checked against the image below the venv: the venv's own files are not on
// the interpreter's site-packages path.
void check_system_site(const CompatInputs& in, const FileIndex& below_venv, CompatReport& report) {
  if (!in.system_distributions || in.system_distributions->empty() || !report.interpreter) return;
  if (auto finding = system_site_finding(*in.venv, *in.system_distributions, below_venv, *report.interpreter)) {
    report.findings.push_back(std::move(*finding));
  }
}

// The ELF files of the venv's layers and of --pip's, in that order.
std::vector<VenvBinary> all_venv_binaries(const CompatInputs& in, CompatReport& report) {
  std::vector<VenvBinary> binaries = venv_binaries(non_folders_in_order(in.venv_layers), in.elf_memo, report);
  if (in.pip_entries) {
    std::vector<const LayerEntry*> pip_files;  // in their own order, as they came
    for (const LayerEntry& entry : *in.pip_entries) pip_files.push_back(&entry);
    std::vector<VenvBinary> from_pip = venv_binaries(pip_files, in.elf_memo, report);
    binaries.insert(binaries.end(), from_pip.begin(), from_pip.end());
  }
  return binaries;
}

// The last component of a path or link target, "" for "." and "..".
std::string_view final_name(std::string_view path) {
  while (path.ends_with('/')) path.remove_suffix(1);
  std::string_view name = path.substr(path.rfind('/') + 1);
  return name == "." || name == ".." ? std::string_view() : name;
}

// Which of the venv's entries the view needs: everything check_binaries can
// ask about. Paths resolve through folders and links, so all of those; the
// loader's candidates end in a needed library's name, or in a link target's
// name when a candidate is a link; the loader's configuration is under /etc
// and musl's loader under /lib; and a file that replaces one of the image's
// paths changes what lies below. The rest, most files of a large venv, would
// only hold memory while the layers are written beside the checks.
std::function<bool(const LayerEntry&)> asked_by_checks(const CompatInputs& in, const std::vector<VenvBinary>& binaries,
                                                       const FileIndex& files) {
  std::unordered_set<std::string> names{"libc.so.6"};
  for (const auto& binary : binaries) {
    for (const auto& needed : binary.info.needed) names.emplace(final_name(needed));
  }
  auto add_link_targets = [&](const std::vector<LayerEntry>& entries) {
    for (const auto& entry : entries) {
      if (entry.kind == EntryKind::symlink) names.emplace(final_name(entry.link_target));
    }
  };
  for (const auto* layer : in.venv_layers) add_link_targets(*layer);
  if (in.pip_entries) add_link_targets(*in.pip_entries);
  return [names = std::move(names), &files](const LayerEntry& entry) {
    return entry.kind != EntryKind::regular || names.contains(std::string(final_name(entry.path))) ||
           entry.path.starts_with("/etc/") || entry.path.starts_with("/lib/") || files.find(entry.path) != nullptr;
  };
}

void check_binaries(const CompatInputs& in, const std::vector<VenvBinary>& binaries, const ImageView& view,
                    CompatReport& report) {
  if (binaries.empty()) return;

  // Architecture.
  // The chosen image's own word (its config), normalised: "aarch64" is arm64.
  Platform image_platform = Platform::from_json(in.base->image.config);
  const std::string& architecture = image_platform.architecture;
  std::vector<const VenvBinary*> foreign;  // every file built for another architecture, for one finding
  std::optional<std::string> wanted_architecture;
  for (const auto& binary : binaries) {
    auto oci = elf_machine_oci_architecture(binary.info.machine);
    if (!oci || *oci == architecture) continue;
    if (!wanted_architecture) wanted_architecture = oci;
    foreign.push_back(&binary);
  }
  if (!foreign.empty()) {
    const VenvBinary& first = *foreign.front();
    std::string message = first.image_path + " is built for " + elf_machine_name(first.info.machine) +
                          " but the image is " + image_platform.str();
    if (foreign.size() > 1) {
      // All of them, so that a venv meant for several platforms shows at once
      // what it must rebuild; bounded, as any list in a message.
      message = std::to_string(foreign.size()) + " files are built for another architecture than the image's " +
                image_platform.str() + ":";
      const std::size_t shown = std::min<std::size_t>(foreign.size(), k_max_listed_foreign_files);
      for (std::size_t i = 0; i < shown; ++i) {
        message += "\n  " + foreign[i]->image_path + " (" + elf_machine_name(foreign[i]->info.machine) + ")";
      }
      if (shown < foreign.size()) message += "\n  and " + std::to_string(foreign.size() - shown) + " more";
    }
    report.findings.push_back({Severity::error, "architecture", message, first.host_path,
                               "build the venv on (or for) " + image_platform.str() +
                                   ", or use a base (or --platform) for linux/" + *wanted_architecture +
                                   "; with several --platform, give each its venv with --venv PLATFORM=PATH"});
  }

  // C library family.
  const std::vector<std::string> lib_files = view.files.under("/lib");
  bool base_musl = std::any_of(lib_files.begin(), lib_files.end(),
                               [](const std::string& p) { return p.starts_with("/lib/ld-musl-"); });
  std::vector<std::string> dirs = view.library_dirs();
  // Every binary asks for the same few libraries in the same folders:
  // resolve each candidate path through the view once.
  std::unordered_map<std::string, bool> known_files;
  auto exists = [&](const std::string& path) {
    auto [found, inserted] = known_files.try_emplace(path, false);
    if (inserted) found->second = view.is_file(path);
    return found->second;
  };
  for (const auto& binary : binaries) {
    bool wants_glibc = std::find(binary.info.needed.begin(), binary.info.needed.end(), "libc.so.6") != binary.info.needed.end();
    bool wants_musl = std::any_of(binary.info.needed.begin(), binary.info.needed.end(),
                                  [](const std::string& n) { return n.starts_with("libc.musl-"); });
    if ((wants_glibc && base_musl) || (wants_musl && !base_musl)) {
      report.findings.push_back({Severity::error, "libc-family",
                                 binary.image_path + " is built for " + (wants_glibc ? "glibc" : "musl") + " but the base uses " +
                                     (base_musl ? "musl" : "glibc"),
                                 binary.host_path,
                                 std::string("use a ") + (wants_glibc ? "glibc (Debian, Ubuntu...)" : "musl (Alpine)") +
                                     " base, or reinstall the packages for the base's C library"});
      return;
    }
  }

  // glibc symbol versions.
  std::optional<GlibcVersion> base_glibc;
  std::string libc_path;
  if (!base_musl) {
    if (auto libc = find_library("libc.so.6", ElfInfo{}, "/", dirs, exists)) {
      libc_path = *libc;
      auto [info, problem] = view.elf(*libc);
      if (problem) report_unreadable_elf(*problem, *libc, report);
      if (info) base_glibc = highest_glibc_version(info->version_definitions);
    }
  }
  if (base_glibc) {
    for (const auto& binary : binaries) {
      std::vector<std::string> needed_versions;
      for (const auto& [library, version] : binary.info.version_needs) needed_versions.push_back(version);
      auto needed = highest_glibc_version(needed_versions);
      if (needed && *base_glibc < *needed) {
        report.findings.push_back({Severity::error, "glibc-version",
                                   binary.image_path + " needs GLIBC_" + needed->text() + " but the base's C library (" +
                                       libc_path + ") is glibc " + base_glibc->text(),
                                   binary.host_path,
                                   "use a base with glibc " + needed->text() + " or newer, or install a wheel built for an older "
                                   "glibc (a lower manylinux tag)"});
      }
    }
  }

  // Every DT_NEEDED, resolved the way the loader will in the image.
  for (const auto& binary : binaries) {
    std::string origin = binary.image_path.substr(0, binary.image_path.rfind('/'));
    for (const auto& needed : binary.info.needed) {
      if (find_library(needed, binary.info, origin, dirs, exists)) continue;
      report.findings.push_back({Severity::error, "missing-library",
                                 binary.image_path + " needs " + needed + ", which the image does not have",
                                 binary.host_path,
                                 "use a base that has " + needed + " (install the package that provides it), "
                                 "or add it with --python-from host when the host's interpreter needs it",
                                 needed});
    }
  }
}

}  // namespace

bool CompatReport::has_errors() const {
  return std::any_of(findings.begin(), findings.end(), [](const Finding& f) { return f.severity == Severity::error; });
}

std::string CompatReport::text() const {
  std::ostringstream out;
  out << "venv " << venv << " onto " << base << "\n";
  out << "  interpreter in the image: " << interpreter.value_or("none found") << "\n";
  std::size_t errors = 0, warnings = 0;
  for (const auto& finding : findings) {
    bool error = finding.severity == Severity::error;
    (error ? errors : warnings)++;
    out << "  " << (error ? "error" : "warning") << " [" << finding.check << "]: " << finding.message << "\n";
    if (!finding.file.empty()) out << "      file: " << finding.file << "\n";
    if (!finding.fix.empty()) out << "      fix:  " << finding.fix << "\n";
  }
  out << "  " << errors << (errors == 1 ? " error, " : " errors, ") << warnings << (warnings == 1 ? " warning" : " warnings") << "\n";
  return out.str();
}

nlohmann::json to_json(const Finding& finding) {
  return {{"severity", finding.severity == Severity::error ? "error" : "warning"},
          {"check", finding.check},
          {"message", finding.message},
          {"file", finding.file},
          {"fix", finding.fix}};
}

nlohmann::json CompatReport::json() const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& finding : findings) list.push_back(to_json(finding));
  return {{"venv", venv},
          {"base", base},
          {"interpreter", interpreter ? nlohmann::json(*interpreter) : nlohmann::json(nullptr)},
          {"ok", !has_errors()},
          {"findings", list}};
}

ContentSelection checked_contents() {
  return ContentSelection({"/etc/ld.so.conf", "/etc/ld.so.conf.d/*", "*/libc.so.6"});
}

std::optional<std::string> image_interpreter_for(const Venv& venv, const FileIndex& base_files) {
  return find_interpreter(base_files, venv.python_tag());
}

CompatReport check_compatibility(const CompatInputs& in) {
  CompatReport report;
  report.venv = in.venv->root.string();
  report.base = in.base_name;
  ImageView view{*in.base_files, {}};
  int layer = 1000;
  for (const auto* added : in.added_layers) view.add(*added, layer++);
  check_interpreter(in, report);
  check_config(in, report);
  check_system_site(in, view.files, report);
  const std::vector<VenvBinary> binaries = all_venv_binaries(in, report);
  const auto asked = asked_by_checks(in, binaries, view.files);
  for (const auto* venv_layer : in.venv_layers) view.add(*venv_layer, layer, asked);
  if (in.pip_entries) view.add(*in.pip_entries, layer + 1, asked);
  check_binaries(in, binaries, view, report);
  return report;
}

}  // namespace venv2docker
