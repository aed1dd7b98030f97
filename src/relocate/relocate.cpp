// relocate_venv() and the bookkeeping its steps share. The steps live in
// relocate_interpreter.cpp, relocate_scripts.cpp, relocate_editable.cpp and
// relocate_text.cpp.
#include <algorithm>
#include <cctype>
#include <system_error>

#include "relocate/relocate_context.h"
#include "relocate/relocate_editable.h"
#include "relocate/relocate_interpreter.h"
#include "relocate/relocate_records.h"
#include "relocate/relocate_scripts.h"
#include "relocate/relocate_text.h"
#include "util/error.h"
#include "util/file_bytes.h"
#include "util/lexical_path.h"
#include "walk/exclude_rules.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

// The new paths end up unquoted in shebangs, activate scripts and .pth lines,
// so they keep to characters that need no quoting anywhere.
std::string checked_image_folder(const std::string& path, const std::string& what) {
  std::string folder = path;
  while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
  const bool plain = std::all_of(folder.begin(), folder.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("/._-+@").find(c) != std::string_view::npos;
  });
  if (folder.empty() || folder.front() != '/' || !plain || folder != fs::path(folder).lexically_normal().string()) {
    throw Error("the " + what + " '" + path + "' must be an absolute, normalised path of letters, digits and / . _ - + @",
                "scripts and .pth files name it unquoted; pick a plain path such as /opt/venv");
  }
  return folder;
}

void add_with_canonical(PathMap& map, const fs::path& host, const std::string& image) {
  map.add(host.string(), image);
  std::error_code error;
  const fs::path canonical = fs::weakly_canonical(host, error);
  if (!error && canonical != host) map.add(canonical.string(), image);
}

}  // namespace

RelocationContext::RelocationContext(const Venv& venv_in, std::vector<LayerEntry>& entries,
                                     const RelocationParams& params_in, RelocationResult& result_in)
    : venv(venv_in),
      params(params_in),
      result(result_in),
      m_entries(entries),
      m_index(entries.size(), [this](std::size_t i) -> std::string_view {
        // Entries removed by finish() leave positions past the end.
        return i < m_entries.size() ? std::string_view(m_entries[i].path) : std::string_view();
      }) {
  venv_destination = checked_image_folder(params.venv_destination, "venv destination");
  if (params.interpreter.empty() || params.interpreter.front() != '/') {
    throw Error("the image's interpreter must be an absolute path, got '" + params.interpreter + "'",
                "name the python3.X binary of the base image, e.g. /usr/local/bin/python3.12");
  }
  site_packages = venv_destination + "/" + venv.site_packages.lexically_relative(venv.root).generic_string();

  add_with_canonical(venv_paths, venv.root, venv_destination);
  if (params.install_prefix) add_with_canonical(venv_paths, clean_absolute(*params.install_prefix), venv_destination);
  for (const auto& [host, image] : venv_paths.moves()) moved_paths.add(host, image);
  if (params.project_source) {
    const std::string project = checked_image_folder(params.project_destination, "project destination");
    add_with_canonical(moved_paths, clean_absolute(*params.project_source), project);
  } else if (venv.project) {
    // Not shipped, so nothing may point there.
    add_with_canonical(stale_paths, clean_absolute(*venv.project), "");
  }
}

LayerEntry* RelocationContext::find(std::string_view image_path) {
  const std::optional<std::size_t> position = m_index.find(image_path);
  if (!position || *position >= m_entries.size()) return nullptr;
  LayerEntry& entry = m_entries[*position];
  return m_removed.count(entry.path) ? nullptr : &entry;
}

std::vector<LayerEntry*> RelocationContext::select(const std::function<bool(const LayerEntry&)>& predicate) {
  std::vector<LayerEntry*> found;
  for (LayerEntry& entry : m_entries) {
    if (entry.kind != EntryKind::directory && !m_removed.count(entry.path) && predicate(entry)) found.push_back(&entry);
  }
  return found;
}

std::vector<LayerEntry*> RelocationContext::children(std::string_view folder) {
  return select([folder](const LayerEntry& entry) {
    const std::string_view path = entry.path;
    return path.size() > folder.size() + 1 && path.starts_with(folder) && path[folder.size()] == '/' &&
           path.find('/', folder.size() + 1) == std::string_view::npos;
  });
}

std::string RelocationContext::read(const LayerEntry& entry) const {
  if (entry.content) return *entry.content;
  std::optional<std::string> bytes = read_file_bytes(entry.source, k_max_read_whole);
  if (!bytes) throw Error("cannot read " + entry.source, "check the file's permissions");
  return std::move(*bytes);
}

std::string RelocationContext::describe(const LayerEntry& entry) const {
  if (!entry.source.empty()) return entry.source;
  const std::string_view path = entry.path;
  if (path.starts_with(venv_destination + "/")) return (venv.root / path.substr(venv_destination.size() + 1)).string();
  return entry.path;
}

std::string RelocationContext::exclude_pattern(const LayerEntry& entry) const {
  const std::string_view path = entry.path;
  const std::string prefix = venv_destination + "/";
  return exact_exclude_pattern(std::string(path.starts_with(prefix) ? path.substr(prefix.size()) : path));
}

void RelocationContext::rewrite(LayerEntry& entry, std::string content) {
  // Same bytes (a venv already at its image path): keep the file, its RECORD line and its bytecode.
  if (entry.kind == EntryKind::regular && content == read(entry)) return;
  entry.size = content.size();
  entry.content = std::move(content);
  m_rewritten.insert(entry.path);
  if (entry.path.ends_with(".py")) drop_bytecode(entry.path);
}

// Bytecode compiled from the old source would be used as long as its recorded
// source mtime and size match, which the layer writer's fixed mtimes and an
// unlucky size can make happen: drop it, Python recompiles (or runs without).
void RelocationContext::drop_bytecode(const std::string& py_path) {
  const auto slash = py_path.rfind('/');
  const std::string stem = py_path.substr(slash + 1, py_path.size() - slash - 1 - 3);
  const std::string prefix = py_path.substr(0, slash) + "/__pycache__/" + stem + ".";
  for (const LayerEntry& entry : m_entries) {
    if (entry.path.starts_with(prefix) && entry.path.ends_with(".pyc") &&
        entry.path.find('/', prefix.size()) == std::string::npos) {
      m_removed.insert(entry.path);
    }
  }
}

void RelocationContext::add(LayerEntry entry) { m_added.push_back(std::move(entry)); }

void RelocationContext::finish() {
  std::erase_if(m_entries, [&](const LayerEntry& entry) { return m_removed.count(entry.path) > 0; });
  for (LayerEntry& entry : m_added) m_entries.push_back(std::move(entry));
  m_added.clear();
  sort_entries(m_entries);
}

namespace {

// virtualenvwrapper's .project names the project folder, for workon to cd
// into. It names the project's path in the image when the project is there;
// otherwise a folder the image lacks, so it goes (nothing in the image reads
// it), rather than being reported on every build as a stale path.
void relocate_project_file(RelocationContext& context) {
  LayerEntry* file = context.find(context.venv_destination + "/.project");
  if (!file || file->kind != EntryKind::regular) return;
  if (context.params.project_source) {
    context.rewrite(*file, checked_image_folder(context.params.project_destination, "project destination") + "\n");
  } else {
    context.remove(*file);
  }
}

// The steps every installed file needs, after the venv-only ones.
RelocationResult relocate_with(const Venv& venv, std::vector<LayerEntry>& entries, const RelocationParams& params,
                               bool is_whole_venv) {
  RelocationResult result;
  RelocationContext context(venv, entries, params, result);
  if (is_whole_venv) {
    relocate_pyvenv_cfg(context);
    relocate_interpreter_links(context);
    relocate_project_file(context);
  }
  relocate_console_scripts(context);
  relocate_activate_scripts(context);
  relocate_editable_installs(context);
  relocate_remaining_text(context);
  // Last: it hashes what every step before wrote.
  update_wheel_records(context);
  context.finish();
  return result;
}

}  // namespace

RelocationResult relocate_venv(const Venv& venv, std::vector<LayerEntry>& entries, const RelocationParams& params) {
  return relocate_with(venv, entries, params, true);
}

RelocationResult relocate_installed_files(const Venv& venv, std::vector<LayerEntry>& entries,
                                          const RelocationParams& params) {
  return relocate_with(venv, entries, params, false);
}

}  // namespace venv2docker
