// The fallback after the known formats (conda-pack's "unknown files" mode):
// any other text file naming the old venv or project folder gets the new path
// when the file type is one where a plain replacement is safe, and a warning
// otherwise. Links into moved folders follow them.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <array>
#include <thread>
#include <vector>

#include "relocate/relocate_text.h"
#include "relocate/deferred_text_scan.h"
#include "relocate/text_scan_memo.h"
#include "store/file_stat_memo.h"
#include "util/error.h"
#include "util/parallel_jobs.h"
#include "util/sibling_opener.h"
#include "util/unique_fd.h"

namespace venv2docker {

namespace {

// Files up to this size are read in one call: on a hypervisor where system
// calls are dear, one read beats sniffing the head first.
constexpr std::size_t whole_read_size = 64 * 1024;

// An entry's bytes when they are text, else nullopt; host files are read into
// `buffer` (reused across files). A larger file is read head first: most files
// under max_text_size are bytecode and shared objects, and their first block
// already says so. A short read ends the file, as it does for regular files,
// which saves asking again only to be told so.
std::optional<std::string_view> read_if_text(const LayerEntry& entry, std::string& buffer, SiblingOpener& opener) {
  if (entry.content) return looks_like_text(*entry.content) ? std::optional<std::string_view>(*entry.content) : std::nullopt;
  const UniqueFd fd(opener.open(entry.source));
  if (!fd) throw Error("cannot read " + entry.source + ": " + std::strerror(errno), "check the file's permissions");
  // One byte more than the walk saw, so a file that grew is read whole too.
  buffer.resize(std::max<std::size_t>(entry.size, k_text_sniff_size) + 1);
  const std::size_t first_read = entry.size < whole_read_size ? buffer.size() : k_text_sniff_size;
  std::size_t filled = 0;
  for (;;) {
    if (filled == buffer.size()) buffer.resize(buffer.size() * 2);
    const std::size_t want = filled == 0 ? first_read : buffer.size() - filled;
    const ssize_t got = ::read(fd.get(), buffer.data() + filled, want);
    if (got < 0) throw Error("cannot read " + entry.source + ": " + std::strerror(errno));
    const bool head = filled == 0;
    filled += static_cast<std::size_t>(got);
    if (head && !looks_like_text(std::string_view(buffer.data(), filled))) return std::nullopt;
    if (static_cast<std::size_t>(got) < want) break;
  }
  return std::string_view(buffer.data(), filled);
}

// Bytecode is never text: its header's flags word (PEP 552) holds NUL bytes
// whatever the file, so the sniff would read it only to say so. In a venv
// those are nearly half the files.
bool is_bytecode(std::string_view path) { return path.ends_with(".pyc"); }

// Formats where a path is written out as is, so replacing its bytes keeps the
// file valid: Python source, .pth lines, JSON (kernel.json), INI/TOML/YAML,
// pkg-config, plain text and shell scripts.
bool is_plain_text_format(std::string_view path) {
  static const std::array<std::string_view, 16> suffixes = {".py", ".pth", ".json", ".txt", ".cfg", ".ini",
                                                            ".toml", ".yaml", ".yml", ".pc", ".sh", ".bash",
                                                            ".csh", ".fish", ".nu", ".egg-link"};
  for (std::string_view suffix : suffixes) {
    if (path.ends_with(suffix)) return true;
  }
  // A wheel's RECORD is CSV of paths; Poetry's editable installs list theirs
  // as absolute host paths.
  return path.ends_with(".dist-info/RECORD");
}

// A path with a quote, a backslash or non-ASCII text is escaped inside Python
// and JSON strings, so its raw bytes are not what the file holds.
bool is_plain_path(std::string_view path) {
  for (char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7F || c == '\\' || c == '\'' || c == '"') return false;
  }
  return true;
}

}  // namespace

void relocate_remaining_text(RelocationContext& context) {
  PathMap plain_moves;
  PathMap stale = context.stale_paths;
  for (const auto& [host, image] : context.moved_paths.moves()) {
    if (is_plain_path(host)) plain_moves.add(host, image);
    // A folder that keeps its path in the image (a venv made at /opt/venv) is no stale name.
    if (host != image) stale.add(host, image);
  }

  const std::string bin = context.venv_destination + "/bin/";
  FileStatMemo* memo = context.params.text_scan_memo;
  DeferredTextScan* deferred = context.params.deferred_text_scan;
  // Links first, and the files to scan: the text files the memo does not
  // already know to hold nothing, less those left to the layer writer.
  std::vector<LayerEntry*> to_scan;
  for (LayerEntry* entry : context.select([](const LayerEntry&) { return true; })) {
    if (entry->kind == EntryKind::symlink) {
      if (entry->link_target.starts_with("/")) {
        if (auto target = context.moved_paths.map(entry->link_target)) entry->link_target = *target;
      }
      continue;
    }
    if (entry->size >= max_text_size || is_bytecode(entry->path)) continue;
    const bool from_host = !entry->content && !context.was_rewritten(*entry);
    const ScanMemory recalled = from_host && memo ? recall_scan(*memo, *entry) : ScanMemory::unknown;
    if (recalled == ScanMemory::clean) {
      remember_scan(*memo, *entry, ScanMemory::clean);
    } else if (recalled == ScanMemory::unknown && from_host && deferred) {
      entry->text_scan_pending = true;
    } else {
      to_scan.push_back(entry);
    }
  }
  if (deferred) deferred->look_for(stale);

  // Reading and searching every text file is most of a cold build's
  // relocation: it runs on every core and only classifies each file. What
  // changes the venv (rewrites, warnings, the memo) then happens in order on
  // this thread, so the result never depends on the thread count.
  enum class Found : char { not_text, nothing, something };
  std::vector<Found> found(to_scan.size(), Found::nothing);
  run_jobs(to_scan.size(), std::max(1u, std::thread::hardware_concurrency()), [&](std::size_t i) {
    thread_local std::string buffer;
    // Each thread takes the next file, mostly a sibling of its last one.
    thread_local SiblingOpener opener(O_RDONLY | O_CLOEXEC);
    const std::optional<std::string_view> text = read_if_text(*to_scan[i], buffer, opener);
    if (!text) {
      found[i] = Found::not_text;
    } else if (plain_moves.find_in(*text) || stale.find_in(*text)) {
      found[i] = Found::something;
    }
  });

  for (std::size_t i = 0; i < to_scan.size(); ++i) {
    LayerEntry* entry = to_scan[i];
    const bool from_host = !entry->content && !context.was_rewritten(*entry);
    if (found[i] != Found::something) {
      if (from_host && memo) remember_scan(*memo, *entry, ScanMemory::clean);  // nothing to do in it
      continue;
    }
    std::string text = context.read(*entry);
    // bin/ holds scripts (a wrapper exec'ing the venv's python, say) whatever their name.
    const bool in_bin = entry->path.starts_with(bin);
    if (!context.was_rewritten(*entry) && (in_bin || is_plain_text_format(entry->path))) {
      if (auto relocated = plain_moves.replace_in(text)) {
        text = *relocated;
        context.rewrite(*entry, *relocated);
      }
    }
    const auto old = stale.find_in(text);
    if (old) {
      context.warn(context.describe(*entry) + " still names " + *old +
                   ", which is not in the image; the file may not work there");
    }
    if (from_host && memo) {
      // Nothing to do in it: skipped next time; else read first next time, never left to the layer writer.
      const bool acted_on = old || context.was_rewritten(*entry);
      remember_scan(*memo, *entry, acted_on ? ScanMemory::acted_on : ScanMemory::clean);
    }
  }
}

}  // namespace venv2docker
