#include "relocate/editable_source_policy.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <system_error>

#include "project/pyproject.h"
#include "util/lexical_path.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

// A path as written and as the disk resolves it: either may be how a folder
// was named.
std::vector<fs::path> spellings(const fs::path& path) {
  std::vector<fs::path> both{clean_absolute(path)};
  std::error_code error;
  const fs::path canonical = fs::weakly_canonical(both.front(), error);
  if (!error && clean_absolute(canonical) != both.front()) both.push_back(clean_absolute(canonical));
  return both;
}

std::vector<fs::path> home_folders() {
  std::vector<fs::path> homes;
  if (const char* home = std::getenv("HOME"); home && *home == '/') homes.emplace_back(home);
  if (const passwd* entry = ::getpwuid(::getuid()); entry && entry->pw_dir && *entry->pw_dir == '/') {
    homes.emplace_back(entry->pw_dir);
  }
  std::vector<fs::path> all;
  for (const fs::path& home : homes) {
    for (fs::path& spelling : spellings(home)) all.push_back(std::move(spelling));
  }
  return all;
}

// The dot-folder of `home` that `path` is inside of, if any ("~/.ssh" for ~/.ssh/keys).
std::optional<fs::path> hidden_folder_of(const fs::path& path, const fs::path& home) {
  const auto relative = relative_within(path, home);
  if (!relative || *relative == ".") return std::nullopt;
  const fs::path first = *relative->begin();
  if (!first.string().starts_with(".")) return std::nullopt;
  return home / first;
}

}  // namespace

std::optional<std::string> why_not_copyable(const fs::path& folder, const std::vector<fs::path>& shipped_folders) {
  const std::vector<fs::path> homes = home_folders();
  for (const fs::path& path : spellings(folder)) {
    if (path == path.root_path()) return "it is the root folder";
    for (const fs::path& home : homes) {
      if (path == home) return "it is the home folder " + home.string();
      if (auto hidden = hidden_folder_of(path, home)) return "it is inside " + hidden->string() + ", a hidden folder of a home";
    }
    for (const fs::path& shipped : shipped_folders) {
      for (const fs::path& inside : spellings(shipped)) {
        if (is_within(inside, path)) return "it holds " + shipped.string() + ", which the image gets anyway";
      }
    }
  }
  if (!is_python_project(folder)) return "it is no Python project (it holds no pyproject.toml, setup.py, setup.cfg or *.egg-info)";
  return std::nullopt;
}

}  // namespace venv2docker
