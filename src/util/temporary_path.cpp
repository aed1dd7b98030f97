#include "util/temporary_path.h"

#include <unistd.h>

#include <atomic>
#include <mutex>
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <system_error>
#include <vector>

#include "util/error.h"
#include "util/file_bytes.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_marker = ".v2dtmp-";

// Field 22 of /proc/PID/stat: when the process started, in clock ticks since
// boot. The command name (field 2) may hold spaces and parentheses, so the
// fields are counted from its closing parenthesis.
std::string start_time_of(const std::string& pid) {
  std::optional<std::string> stat = read_file_bytes("/proc/" + pid + "/stat", 4096);
  if (!stat) return {};
  auto close = stat->rfind(')');
  if (close == std::string::npos) return {};
  // `at` is the space before field `field + 1`.
  std::size_t field = 2, at = close + 1;
  while (at < stat->size() && field < 21) {
    at = stat->find(' ', at + 1);
    if (at == std::string::npos) return {};
    ++field;
  }
  auto end = stat->find(' ', at + 1);
  return stat->substr(at + 1, end == std::string::npos ? std::string::npos : end - at - 1);
}

// Pids mean something only within one boot and one pid namespace.
std::string compute_host_key() {
  std::optional<std::string> boot = read_file_bytes("/proc/sys/kernel/random/boot_id", 256);
  std::error_code ec;
  fs::path namespace_link = fs::read_symlink("/proc/self/ns/pid", ec);
  if (!boot || ec) return {};
  std::uint32_t hash = 2166136261u;  // FNV-1a: a short, stable tag, not a security measure
  for (char c : *boot + namespace_link.string()) hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", hash);
  return hex;
}

struct Owner {
  std::string pid, start, host;
};

// Looked up again after a fork, so a child names its temporaries as its own.
Owner this_process() {
  static std::mutex mutex;
  static std::optional<Owner> known;
  static pid_t known_for = 0;
  std::lock_guard lock(mutex);
  if (!known || known_for != ::getpid()) {
    known_for = ::getpid();
    const std::string pid = std::to_string(known_for);
    known = Owner{pid, start_time_of(pid), compute_host_key()};
  }
  return *known;
}

std::vector<std::string> split_dashes(std::string_view text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t dash; (dash = text.find('-', start)) != std::string_view::npos; start = dash + 1) {
    parts.emplace_back(text.substr(start, dash - start));
  }
  parts.emplace_back(text.substr(start));
  return parts;
}

bool all_digits(const std::string& text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

fs::path temporary_sibling(const fs::path& destination) {
  static std::atomic<unsigned long> counter{0};
  static thread_local std::mt19937_64 random{std::random_device{}()};
  const Owner& owner = this_process();
  std::string name = "." + destination.filename().string() + std::string(k_marker) + owner.pid + "-" + owner.start +
                     "-" + (owner.host.empty() ? "unknown" : owner.host) + "-" + std::to_string(++counter) + "x" +
                     std::to_string(random() % 1000000);
  return destination.parent_path() / name;
}

bool is_dead_temporary(std::string_view name) {
  auto marker = name.rfind(k_marker);
  if (!name.starts_with('.') || marker == std::string_view::npos) return false;
  std::vector<std::string> parts = split_dashes(name.substr(marker + k_marker.size()));
  if (parts.size() != 4 || !all_digits(parts[0])) return false;
  const Owner& self = this_process();
  if (self.host.empty() || self.start.empty() || parts[2] != self.host) return false;
  if (parts[0] == self.pid) return parts[1] != self.start;
  return start_time_of(parts[0]) != parts[1];  // gone, or a later process under the same pid
}

void sweep_dead_temporaries(const fs::path& folder) {
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (!is_dead_temporary(it->path().filename().string())) continue;
    std::error_code ignored;
    fs::remove_all(it->path(), ignored);
  }
}

TemporaryPath::~TemporaryPath() {
  if (m_path.empty()) return;
  std::error_code ignored;
  fs::remove_all(m_path, ignored);
}

ScratchFolder::ScratchFolder(const fs::path& parent, std::string_view stem) : m_folder(parent / stem) {
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec || !fs::create_directory(m_folder.path(), ec)) {
    throw Error("cannot create a folder in " + parent.string() + ": " + (ec ? ec.message() : "it already exists"),
                "check that the folder is writable");
  }
}

}  // namespace venv2docker
