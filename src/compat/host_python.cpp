#include "compat/host_python.h"

#include <glob.h>
#include <sys/stat.h>

#include <deque>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "compat/elf.h"
#include "compat/elf_memo.h"
#include "compat/library_search.h"
#include "layer/path_resolution.h"
#include "util/error.h"
#include "util/file_bytes.h"
#include "util/process.h"
#include "walk/tree_walk.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

// ld.so.conf and the files it includes are a few lines each.
constexpr std::size_t k_max_loader_config = std::size_t{16} << 20;

// Parts of a standard library an application never imports at run time.
const std::vector<std::string> k_stdlib_exclusions = {
    "site-packages", "dist-packages", "test", "idlelib", "turtledemo", "tkinter", "ensurepip", "lib2to3/tests",
    "config-*",  // static libpython and Makefile, for building extensions only
};

constexpr const char* k_probe =
    "import json, sys, sysconfig\n"
    "print(json.dumps({'executable': sys.executable, 'prefix': sys.base_prefix,\n"
    "  'stdlib': sysconfig.get_path('stdlib'), 'platstdlib': sysconfig.get_path('platstdlib')}))\n";

// What a HostInput keeps of a stat result: a folder passed through is known
// by its identity and mode alone (the mode stands in the size field).
SourceStat recorded_stat(const struct stat& st, HostInput::Check check) {
  if (check != HostInput::Check::folder) return source_stat_of(st);
  return SourceStat{st.st_mode, 0, 0, static_cast<std::uint64_t>(st.st_ino), static_cast<std::uint64_t>(st.st_dev)};
}

bool stat_for(const std::string& path, HostInput::Check check, struct stat& st) {
  return (check == HostInput::Check::stat ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st)) == 0;
}

// Every host path the collection looks at, with what it saw, so a later
// build can tell (by stat alone) that collecting again would give the same.
class InputLog {
 public:
  // lstat, recorded; a folder is recorded as one passed through.
  bool lstat(const std::string& path, struct stat& st) {
    const bool found = stat_for(path, HostInput::Check::lstat, st);
    record(path, found && S_ISDIR(st.st_mode) ? HostInput::Check::folder : HostInput::Check::lstat, found, st);
    return found;
  }
  // stat (links followed), recorded.
  bool stat(const std::string& path, struct stat& st) {
    const bool found = stat_for(path, HostInput::Check::stat, st);
    record(path, HostInput::Check::stat, found, st);
    return found;
  }
  void add(const std::string& path, const std::optional<SourceStat>& stat) {
    m_inputs.push_back({path, HostInput::Check::lstat, stat});
  }
  std::vector<HostInput> take() { return std::move(m_inputs); }

 private:
  void record(const std::string& path, HostInput::Check check, bool found, const struct stat& st) {
    m_inputs.push_back({path, check, found ? std::optional(recorded_stat(st, check)) : std::nullopt});
  }
  std::vector<HostInput> m_inputs;
};

// Entries keyed by image path: the same host path reached twice is added once.
class HostTree {
 public:
  explicit HostTree(InputLog& log) : m_log(log) {}

  // Adds `path` as the host has it: each symlink met on the way (in any
  // component) becomes a link entry with its target unchanged, then the
  // real file. Returns the real path.
  std::string add_path(const std::string& path) {
    // resolve_path visits each path right after looking it up, so the visit
    // reuses that lstat instead of asking the disk again.
    struct stat st {};
    auto lookup = [this, &st](const std::string& candidate) {
      if (!m_log.lstat(candidate, st)) return PathNode{};
      if (S_ISLNK(st.st_mode)) return PathNode{PathNode::Kind::symlink, fs::read_symlink(candidate).string()};
      return PathNode{PathNode::Kind::other, {}};
    };
    auto visit = [this, &st](const std::string& current, const PathNode& node) {
      if (node.kind == PathNode::Kind::symlink) {
        m_entries[current] = LayerEntry{current, EntryKind::symlink, 0777, node.link_target, {}, std::nullopt, 0, std::nullopt};
        return;
      }
      if (m_entries.contains(current)) return;
      if (S_ISDIR(st.st_mode)) {
        m_entries[current] = LayerEntry{current, EntryKind::directory, st.st_mode & 07777, {}, {}, std::nullopt, 0, std::nullopt};
      } else if (S_ISREG(st.st_mode)) {
        m_entries[current] = LayerEntry{current, EntryKind::regular, st.st_mode & 07777, {}, current, std::nullopt,
                                        static_cast<std::uint64_t>(st.st_size), source_stat_of(st)};
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
  InputLog& m_log;
  std::map<std::string, LayerEntry> m_entries;
};

// ld.so.conf and its includes, each file read and folder listed recorded.
std::vector<std::string> host_library_dirs(InputLog& log) {
  auto read_text = [&log](const std::string& path) -> std::optional<std::string> {
    struct stat st {};
    if (!log.stat(path, st)) return std::nullopt;
    return read_file_bytes(path, k_max_loader_config);
  };
  auto glob_files = [&log](const std::string& pattern) {
    // A file added to or removed from the folder changes the folder's mtime.
    struct stat st {};
    log.stat(fs::path(pattern).parent_path().string(), st);
    glob_t matches{};
    std::vector<std::string> out;
    if (::glob(pattern.c_str(), 0, nullptr, &matches) == 0) {
      for (std::size_t i = 0; i < matches.gl_pathc; ++i) out.push_back(matches.gl_pathv[i]);
    }
    globfree(&matches);
    return out;
  };
  return system_library_dirs(read_text, glob_files);
}

// Adds every shared library the seeds load, transitively, as the host's
// loader would find them; reports the ones it cannot find. Every candidate
// the search tries is recorded, found or not: a library that appears earlier
// in the search order later changes the closure.
void add_library_closure(const std::vector<std::string>& seeds, HostTree& tree, InputLog& log,
                         std::vector<std::string>& warnings) {
  std::vector<std::string> system_dirs = host_library_dirs(log);
  std::optional<std::uint16_t> machine;
  auto loadable = [&](const std::string& path) {
    struct stat st {};
    if (!log.stat(path, st) || !S_ISREG(st.st_mode)) return false;
    auto info = read_elf(path).info;  // the loader skips libraries of another machine (and unreadable ones)
    return info && (!machine || info->machine == *machine);
  };
  std::deque<std::string> queue(seeds.begin(), seeds.end());
  std::set<std::string> done;
  while (!queue.empty()) {
    std::string object = queue.front();
    queue.pop_front();
    if (!done.insert(object).second) continue;
    auto [info, problem] = read_elf(object);
    if (problem) warnings.push_back(*problem + "; its libraries are not collected");
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

// Records what a walk of the host folder `root` (walked onto itself) saw:
// a file or link added, removed or changed anywhere in it changes one of these.
void log_walk(const std::vector<LayerEntry>& entries, InputLog& log) {
  for (const auto& entry : entries) {
    if (entry.kind == EntryKind::regular && entry.source_stat) {
      log.add(entry.source, entry.source_stat);
    } else {
      // Full lstat, folders included: a file added to a walked folder changes its mtime.
      log.add(entry.path, lstat_source(entry.path));
    }
  }
}

}  // namespace

std::optional<SourceStat> observe_host_input(const std::string& path, HostInput::Check check) {
  struct stat st {};
  if (!stat_for(path, check, st)) return std::nullopt;
  return recorded_stat(st, check);
}

std::string host_interpreter_path(const Venv& venv) {
  return (venv.home / ("python" + venv.python_tag())).string();
}

HostInterpreter collect_host_interpreter(const Venv& venv, bool with_minimal_root,
                                         const std::vector<std::string>& venv_elf_files) {
  InputLog log;
  fs::path executable = host_interpreter_path(venv);
  struct stat executable_stat {};
  if (!log.stat(executable.string(), executable_stat)) {
    throw Error("--python-from host: the venv's interpreter " + executable.string() + " is not on this machine",
                "pyvenv.cfg's home = " + venv.home.string() + " must name the folder of the Python that made the venv");
  }
  ProcessResult probe = run_process({executable.string(), "-I", "-S", "-c", k_probe}, ChildEnvironment::bare);
  if (probe.exit_code != 0) {
    throw Error("--python-from host: " + executable.string() + " failed to describe itself: " + probe.err);
  }
  auto described = nlohmann::json::parse(probe.out, nullptr, false);
  if (described.is_discarded()) throw Error("--python-from host: unexpected output from " + executable.string());

  HostInterpreter result;
  result.executable = executable.string();
  HostTree tree(log);
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
    log_walk(stdlib, log);
    for (const auto& entry : stdlib) {
      if (host_elf_of(entry, nullptr).info) seeds.push_back(entry.source);
    }
    for (const auto& entry : stdlib) {
      if (entry.kind != EntryKind::symlink) continue;
      fs::path target = fs::path(entry.path).parent_path() / entry.link_target;  // absolute targets replace the base
      std::string normal = target.lexically_normal().string();
      struct stat st {};
      if (!normal.starts_with(real_dir + "/") && log.stat(normal, st)) tree.add_path(normal);
    }
    tree.add_entries(std::move(stdlib));
  }
  // The venv's own extensions load host libraries too (libffi, libssl...).
  seeds.insert(seeds.end(), venv_elf_files.begin(), venv_elf_files.end());
  add_library_closure(seeds, tree, log, result.warnings);

  if (with_minimal_root) {
    tree.add_entry(LayerEntry{"/tmp", EntryKind::directory, 01777, {}, {}, std::nullopt, 0, std::nullopt});
    std::string passwd = "root:x:0:0:root:/root:/bin/sh\n";
    std::string group = "root:x:0:\n";
    tree.add_entry(LayerEntry{"/etc/passwd", EntryKind::regular, 0644, {}, {}, passwd, passwd.size(), std::nullopt});
    tree.add_entry(LayerEntry{"/etc/group", EntryKind::regular, 0644, {}, {}, group, group.size(), std::nullopt});
    tree.add_entry(LayerEntry{"/root", EntryKind::directory, 0700, {}, {}, std::nullopt, 0, std::nullopt});
  }
  result.entries = tree.take();
  result.inputs = log.take();
  return result;
}

}  // namespace venv2docker
