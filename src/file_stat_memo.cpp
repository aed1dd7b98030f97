#include "venv2docker/file_stat_memo.h"

#include <sys/stat.h>

#include <fstream>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "atomic_file.h"
#include "venv2docker/error.h"

namespace venv2docker {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int k_format = 1;

std::optional<FileStatMemo::Stat> stat_of(const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return std::nullopt;
  auto ns = [](const timespec& t) { return static_cast<std::uint64_t>(t.tv_sec) * 1000000000u + static_cast<std::uint64_t>(t.tv_nsec); };
  return FileStatMemo::Stat{static_cast<std::uint64_t>(st.st_size), ns(st.st_mtim), ns(st.st_ctim),
                            static_cast<std::uint64_t>(st.st_ino), static_cast<std::uint64_t>(st.st_dev)};
}

}  // namespace

FileStatMemo::FileStatMemo(fs::path file) : m_file(std::move(file)) {
  std::ifstream in(m_file, std::ios::binary);
  if (!in) return;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  json memo = json::from_cbor(bytes.str(), true, false);
  if (memo.is_discarded() || !memo.is_object() || memo.value("format", 0) != k_format) return;
  try {
    for (const auto& [path, s] : memo["files"].items()) {
      m_previous[path] = Stat{s[0].get<std::uint64_t>(), s[1].get<std::uint64_t>(), s[2].get<std::uint64_t>(),
                              s[3].get<std::uint64_t>(), s[4].get<std::uint64_t>()};
    }
  } catch (const json::exception&) {
    m_previous.clear();  // a damaged memo is an empty one
  }
}

bool FileStatMemo::unchanged(const fs::path& source) const {
  auto found = m_previous.find(source.string());
  if (found == m_previous.end()) return false;
  auto now = stat_of(source);
  return now && *now == found->second;
}

void FileStatMemo::remember(const fs::path& source) {
  if (auto now = stat_of(source)) m_next[source.string()] = *now;
}

void FileStatMemo::save() const {
  json files = json::object();
  for (const auto& [path, s] : m_next) files[path] = {s.size, s.mtime_ns, s.ctime_ns, s.inode, s.device};
  auto bytes = json::to_cbor(json{{"format", k_format}, {"files", files}});
  std::error_code ec;
  fs::create_directories(m_file.parent_path(), ec);
  try {
    write_file_atomically(m_file, std::string(bytes.begin(), bytes.end()));
  } catch (const Error&) {
    // Only an optimisation: a read-only cache must not fail the build.
  }
}

}  // namespace venv2docker
