#include "venv2docker/host_python.h"

#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <deque>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "path_resolution.h"
#include "process.h"
#include "venv2docker/elf.h"
#include "venv2docker/error.h"
#include "venv2docker/library_search.h"
#include "venv2docker/tree_walk.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

// Parts of a standard library an application never imports at run time.
const std::vector<std::string> k_stdlib_exclusions = {
    "site-packages", "dist-packages", "test", "idlelib", "turtledemo", "tkinter", "ensurepip", "lib2to3/tests",
    "config-*",  // static libpython and Makefile, for building extensions only
};

constexpr const char* k_probe =
    "import json, sys, sysconfig\n"
    "print(json.dumps({'executable': sys.executable, 'prefix': sys.base_prefix,\n"
    "  'stdlib': sysconfig.get_path('stdlib'), 'platstdlib': sysconfig.get_path('platstdlib')}))\n";

// Entries keyed by image path: the same host path reached twice is added once.
class HostTree {
 public:
  // Adds `path` as the host has it: each symlink met on the way (in any
  // component) becomes a link entry with its target unchanged, then the
  // real file. Returns the real path.
  std::string add_path(const std::string& path) {
    // resolve_path visits each path right after looking it up, so the visit
    // reuses that lstat instead of asking the disk again.
    struct stat st {};
    auto lookup = [&st](const std::string& candidate) {
      if (::lstat(candidate.c_str(), &st) != 0) return PathNode{};
      if (S_ISLNK(st.st_mode)) return PathNode{PathNode::Kind::symlink, fs::read_symlink(candidate).string()};
      return PathNode{PathNode::Kind::other, {}};
    };
    auto visit = [this, &st](const std::string& current, const PathNode& node) {
      if (node.kind == PathNode::Kind::symlink) {
        m_entries[current] = LayerEntry{current, EntryKind::symlink, 0777, node.link_target, {}, std::nullopt, 0};
        return;
      }
      if (m_entries.contains(current)) return;
      if (S_ISDIR(st.st_mode)) {
        m_entries[current] = LayerEntry{current, EntryKind::directory, st.st_mode & 07777, {}, {}, std::nullopt, 0};
      } else if (S_ISREG(st.st_mode)) {
        m_entries[current] = LayerEntry{current, EntryKind::regular, st.st_mode & 07777, {}, current, std::nullopt,
                                        static_cast<std::uint64_t>(st.st_size)};
      }
    };
    auto resolved = resolve_path(fs::path(path).lexically_normal().string(), lookup, visit);
    if (!resolved) throw Error("cannot find " + path + " on this machine (or its links loop)");
    return *resolved;
  }

  void add_entries(std::vector<LayerEntry> entries) {
    for (auto& entry : entries) m_entries[entry.path] = std::move(entry);
  }
  void add_entry(LayerEntry entry) { m_entries[entry.path] = std::move(entry); }

  std::vector<LayerEntry> take() {
    std::vector<LayerEntry> out;
    for (auto& [path, entry] : m_entries) out.push_back(std::move(entry));
    return out;
  }

 private:
  std::map<std::string, LayerEntry> m_entries;
};

std::optional<std::string> read_host_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> glob_host(const std::string& pattern) {
  glob_t matches{};
  std::vector<std::string> out;
  if (::glob(pattern.c_str(), 0, nullptr, &matches) == 0) {
    for (std::size_t i = 0; i < matches.gl_pathc; ++i) out.push_back(matches.gl_pathv[i]);
  }
  globfree(&matches);
  return out;
}

// Adds every shared library the seeds load, transitively, as the host's
// loader would find them; reports the ones it cannot find.
void add_library_closure(const std::vector<std::string>& seeds, HostTree& tree, std::vector<std::string>& warnings) {
  std::vector<std::string> system_dirs = system_library_dirs(read_host_text, glob_host);
  std::optional<std::uint16_t> machine;
  auto loadable = [&](const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
    auto info = read_elf(path);  // the loader skips libraries of another machine
    return info && (!machine || info->machine == *machine);
  };
  std::deque<std::string> queue(seeds.begin(), seeds.end());
  std::set<std::string> done;
  while (!queue.empty()) {
    std::string object = queue.front();
    queue.pop_front();
    if (!done.insert(object).second) continue;
    auto info = read_elf(object);
    if (!info) continue;
    if (!machine) machine = info->machine;
    if (info->interpreter) queue.push_back(tree.add_path(*info->interpreter));
    std::string origin = fs::path(object).parent_path().string();
    for (const auto& needed : info->needed) {
      auto found = find_library(needed, *info, origin, system_dirs, loadable);
      if (!found) {
        warnings.push_back(object + " needs " + needed + ", which this machine's loader would not find either");
        continue;
      }
      queue.push_back(tree.add_path(*found));
    }
  }
}

std::vector<std::string> elf_files_under(const std::vector<LayerEntry>& entries) {
  std::vector<std::string> files;
  for (const auto& entry : entries) {
    if (entry.kind == EntryKind::regular && !entry.content && may_be_elf(entry.path, entry.mode) &&
        is_elf_file(entry.source)) {
      files.push_back(entry.source.string());
    }
  }
  return files;
}

}  // namespace

HostInterpreter collect_host_interpreter(const Venv& venv, bool with_minimal_root) {
  std::string version = venv.python_version + (venv.free_threaded ? "t" : "");
  fs::path executable = venv.home / ("python" + version);
  if (!fs::exists(executable)) {
    throw Error("--python-from host: the venv's interpreter " + executable.string() + " is not on this machine",
                "pyvenv.cfg's home = " + venv.home.string() + " must name the folder of the Python that made the venv");
  }
  ProcessResult probe = run_process({executable.string(), "-I", "-S", "-c", k_probe});
  if (probe.exit_code != 0) {
    throw Error("--python-from host: " + executable.string() + " failed to describe itself: " + probe.err);
  }
  auto described = nlohmann::json::parse(probe.out, nullptr, false);
  if (described.is_discarded()) throw Error("--python-from host: unexpected output from " + executable.string());

  HostInterpreter result;
  result.executable = executable.string();
  HostTree tree;
  std::string real_executable = tree.add_path(executable.string());

  std::set<std::string> stdlib_dirs{described["stdlib"].get<std::string>(), described["platstdlib"].get<std::string>()};
  std::vector<std::string> seeds{real_executable};
  for (const auto& dir : stdlib_dirs) {
    std::string real_dir = tree.add_path(dir);
    // Links may leave the standard library (Debian's sitecustomize.py points
    // into /etc): they are followed below instead of being reported.
    WalkOptions walk{real_dir, real_dir, {}, {"/"}};
    for (const auto& pattern : k_stdlib_exclusions) walk.excludes.add(pattern);
    std::vector<LayerEntry> stdlib = walk_tree(walk, result.warnings);
    for (const auto& file : elf_files_under(stdlib)) seeds.push_back(file);
    for (const auto& entry : stdlib) {
      if (entry.kind != EntryKind::symlink) continue;
      fs::path target = fs::path(entry.path).parent_path() / entry.link_target;  // absolute targets replace the base
      std::string normal = target.lexically_normal().string();
      std::error_code ec;
      if (!normal.starts_with(real_dir + "/") && fs::exists(normal, ec)) tree.add_path(normal);
    }
    tree.add_entries(std::move(stdlib));
  }
  // The venv's own extensions load host libraries too (libffi, libssl...).
  std::vector<std::string> ignored;
  for (const auto& file : elf_files_under(walk_tree(WalkOptions{venv.root, venv.root.string(), {}, {}}, ignored))) {
    seeds.push_back(file);
  }
  add_library_closure(seeds, tree, result.warnings);

  if (with_minimal_root) {
    tree.add_entry(LayerEntry{"/tmp", EntryKind::directory, 01777, {}, {}, std::nullopt, 0});
    std::string passwd = "root:x:0:0:root:/root:/bin/sh\n";
    std::string group = "root:x:0:\n";
    tree.add_entry(LayerEntry{"/etc/passwd", EntryKind::regular, 0644, {}, {}, passwd, passwd.size()});
    tree.add_entry(LayerEntry{"/etc/group", EntryKind::regular, 0644, {}, {}, group, group.size()});
    tree.add_entry(LayerEntry{"/root", EntryKind::directory, 0700, {}, {}, std::nullopt, 0});
  }
  result.entries = tree.take();
  return result;
}

}  // namespace venv2docker
