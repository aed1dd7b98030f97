#include "compat/library_search.h"

#include <filesystem>
#include <set>
#include <sstream>

namespace venv2docker {

namespace {

void read_conf(const std::string& path, const ReadText& read_text, const GlobFiles& glob_files,
               std::vector<std::string>& dirs, std::set<std::string>& visited) {
  if (!visited.insert(path).second || visited.size() > 256) return;
  auto text = read_text(path);
  if (!text) return;
  std::istringstream lines(*text);
  std::string line;
  while (std::getline(lines, line)) {
    line = line.substr(0, line.find('#'));
    auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos) continue;
    line = line.substr(start, line.find_last_not_of(" \t\r") - start + 1);
    if (line.starts_with("include") && line.size() > 7 && (line[7] == ' ' || line[7] == '\t')) {
      std::string pattern = line.substr(line.find_first_not_of(" \t", 7));
      if (!pattern.starts_with("/")) pattern = "/etc/" + pattern;
      for (const auto& included : glob_files(pattern)) read_conf(included, read_text, glob_files, dirs, visited);
    } else if (line.starts_with("/")) {
      dirs.push_back(line);
    }
  }
}

std::string expand_origin(std::string dir, const std::string& origin) {
  for (const std::string token : {"${ORIGIN}", "$ORIGIN"}) {
    for (auto at = dir.find(token); at != std::string::npos; at = dir.find(token)) dir.replace(at, token.size(), origin);
  }
  return dir;
}

}  // namespace

std::vector<std::string> system_library_dirs(const ReadText& read_text, const GlobFiles& glob_files) {
  std::vector<std::string> dirs;
  std::set<std::string> visited;
  read_conf("/etc/ld.so.conf", read_text, glob_files, dirs, visited);
  // The loader's built-in folders; Debian-style loaders also search their
  // multiarch folders without any configuration.
  for (const char* builtin : {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
                              "/usr/lib/aarch64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib"}) {
    dirs.push_back(builtin);
  }
  return dirs;
}

std::optional<std::string> find_library(const std::string& needed, const ElfInfo& from, const std::string& origin,
                                        const std::vector<std::string>& system_dirs, const FileExists& exists) {
  // A name with a slash is a path, used as is.
  if (needed.find('/') != std::string::npos) {
    return exists(needed) ? std::optional<std::string>(needed) : std::nullopt;
  }
  std::vector<std::string> search;
  // The loader ignores DT_RPATH when DT_RUNPATH is present.
  for (const auto& dir : from.runpath.empty() ? from.rpath : from.runpath) search.push_back(expand_origin(dir, origin));
  search.insert(search.end(), system_dirs.begin(), system_dirs.end());
  for (const auto& dir : search) {
    // "$ORIGIN/../lib" becomes ".../bin/../lib": normalise so every file system view agrees.
    std::string candidate = (std::filesystem::path(dir) / needed).lexically_normal().string();
    if (exists(candidate)) return candidate;
  }
  return std::nullopt;
}

}  // namespace venv2docker
