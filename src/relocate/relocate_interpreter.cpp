// Points the venv at the image's interpreter: pyvenv.cfg `home` and the
// bin/python* links (getpath.py reads only these two to find the base Python).
#include <algorithm>
#include <array>
#include <map>
#include <sstream>

#include "relocate/relocate_interpreter.h"
#include "util/error.h"
#include "util/text_util.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

// Informational keys naming the host's interpreter; CPython never reads them.
bool is_host_only_key(const std::string& key) {
  static const std::array<std::string_view, 5> keys = {"executable", "command", "base-prefix", "base-exec-prefix",
                                                       "base-executable"};
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

LayerEntry symlink(const std::string& path, const std::string& target) {
  LayerEntry entry;
  entry.path = path;
  entry.kind = EntryKind::symlink;
  entry.mode = 0777;
  entry.link_target = target;
  return entry;
}

// A link to another name in bin/ ("python3 -> python3.11"), kept as is.
bool is_alias(const LayerEntry& entry) {
  return entry.kind == EntryKind::symlink && !entry.link_target.empty() &&
         entry.link_target.find('/') == std::string::npos;
}

// "3.11.7" or virtualenv's "3.11.7.final.0" naming the image's `release`
// ("3.11.2") instead, in the same form; another Python's version is left for
// the checks to report.
std::string with_release(const std::string& value, const std::string& release) {
  const std::string major_minor = release.substr(0, release.rfind('.') + 1);
  if (!value.starts_with(major_minor)) return value;
  const auto patch_end = value.find_first_not_of("0123456789", major_minor.size());
  return release + (patch_end == std::string::npos ? std::string() : value.substr(patch_end));
}

}  // namespace

void relocate_pyvenv_cfg(RelocationContext& context) {
  LayerEntry* cfg = context.find(context.venv_destination + "/pyvenv.cfg");
  if (!cfg || cfg->kind != EntryKind::regular) {
    throw Error(context.venv.root.string() + "/pyvenv.cfg is missing from the files to pack",
                "do not exclude pyvenv.cfg: Python needs it to find the venv");
  }
  const std::string home = fs::path(context.params.interpreter).parent_path().string();
  std::istringstream lines(context.read(*cfg));
  std::string out;
  bool has_home = false;
  for (std::string line; std::getline(lines, line);) {
    const auto equals = line.find('=');
    const std::string key = equals == std::string::npos ? std::string() : trim(line.substr(0, equals));
    if (is_host_only_key(key)) continue;
    if (!context.params.interpreter_release.empty() && (key == "version" || key == "version_info")) {
      line = key + " = " + with_release(trim(line.substr(equals + 1)), context.params.interpreter_release);
    }
    if (key == "home") {
      line = "home = " + home;
      has_home = true;
    }
    out += line + "\n";
  }
  if (!has_home) out += "home = " + home + "\n";
  context.rewrite(*cfg, std::move(out));
}

void relocate_interpreter_links(RelocationContext& context) {
  const std::string bin = context.venv_destination + "/bin";
  const std::string versioned = "python" + context.venv.python_version;
  std::vector<std::string> names = {"python", "python3", versioned};
  if (context.venv.free_threaded) names.push_back(versioned + "t");

  // The primary name is one not linking to a sibling: an absolute link to the
  // host's interpreter, or a copy of it (--copies). It becomes a link to the
  // image's interpreter (a copied binary would look for its libraries next to
  // itself, $ORIGIN/../lib, and break); other copies become links to it, the
  // layout `python -m venv` makes with symlinks.
  std::map<std::string, LayerEntry*> present;
  std::string primary;
  for (const std::string& name : names) {
    LayerEntry* entry = context.find(bin + "/" + name);
    if (!entry) continue;
    present[name] = entry;
    if (!is_alias(*entry) && (primary.empty() || name == versioned)) primary = name;
  }
  if (primary.empty()) {
    primary = versioned;
    context.warn(context.venv.root.string() + "/bin has no python executable or absolute python link; added bin/" +
                 versioned + " -> " + context.params.interpreter);
    if (!present.count(versioned)) {
      context.add(symlink(bin + "/" + versioned, context.params.interpreter));
      present[versioned] = nullptr;
    }
  }
  for (auto& [name, entry] : present) {
    if (!entry) continue;
    if (name == primary) {
      *entry = symlink(entry->path, context.params.interpreter);
    } else if (!is_alias(*entry)) {
      *entry = symlink(entry->path, primary);
    }
  }

  // Every alias must reach a real name within a few hops; a missing name or
  // a broken chain gets a fresh link to the primary.
  for (const std::string& name : names) {
    if (name == primary) continue;
    const auto it = present.find(name);
    if (it == present.end()) {
      if (name != versioned + "t") context.add(symlink(bin + "/" + name, primary));
      continue;
    }
    std::string hop = name;
    for (int depth = 0; depth < 8 && present.count(hop) && present[hop] && is_alias(*present[hop]); ++depth) {
      hop = present[hop]->link_target;
    }
    const bool resolves = present.count(hop) && (!present[hop] || !is_alias(*present[hop]));
    if (!resolves) {
      context.warn(context.venv.root.string() + "/bin/" + name + " links to " + it->second->link_target +
                   ", which does not lead to python; it now links to " + primary);
      *it->second = symlink(bin + "/" + name, primary);
    }
  }
}

}  // namespace venv2docker
