#include "layer/layer_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <string_view>
#include <unordered_set>

#include "layer/gzip_parallel.h"
#include "tar/entry_order.h"
#include "tar/tar_writer.h"
#include "util/error.h"
#include "util/read_ahead.h"
#include "util/unique_fd.h"

namespace venv2docker {

namespace {

constexpr std::size_t k_read_block = std::size_t{1} << 20;

// Files up to this size are read ahead on their own thread (util/read_ahead):
// for them the system calls, not the bytes, are the cost. Larger ones stream
// through k_read_block as they are written.
constexpr std::uint64_t k_read_ahead_size = 64 * 1024;
// The bytes read ahead and not yet written, at most.
constexpr std::size_t k_read_ahead_budget = std::size_t{2} << 20;

// A file whose text scan is pending is read ahead whatever its size (the
// scan takes files under a megabyte): the scan needs its bytes whole.
bool is_read_ahead(const LayerEntry& entry) {
  return entry.kind == EntryKind::regular && !entry.content &&
         (entry.size <= k_read_ahead_size || entry.text_scan_pending);
}

std::vector<ReadAheadFile> files_to_read_ahead(const std::vector<const LayerEntry*>& order) {
  std::vector<ReadAheadFile> files;
  for (const LayerEntry* entry : order) {
    if (is_read_ahead(*entry)) files.push_back(ReadAheadFile{&entry->source, entry->size});
  }
  return files;
}

// Whether `sorted` (in sort_entries() order) holds an entry at `path`.
bool holds(const std::vector<const LayerEntry*>& sorted, std::string_view path) {
  const auto found = std::lower_bound(sorted.begin(), sorted.end(), path,
                                      [](const LayerEntry* entry, std::string_view p) { return path_less(entry->path, p); });
  return found != sorted.end() && (*found)->path == path;
}

// A folder entry for every parent that `sorted` does not already hold, so
// tar readers never invent folders with their own modes and times. Looked up
// in the sorted list itself, once per run of siblings: a set of a venv's
// hundreds of thousands of paths would be held while its layer is written.
std::vector<LayerEntry> missing_parents(const std::vector<const LayerEntry*>& sorted) {
  // The missing parents' paths, where growing never moves them (the set views them).
  std::deque<std::string> missing;
  std::unordered_set<std::string_view> added;
  std::string_view last_parent;
  for (const LayerEntry* entry : sorted) {
    std::string_view path = entry->path;
    const auto last_slash = path.rfind('/');
    if (last_slash == std::string_view::npos || last_slash == 0) continue;
    if (path.substr(0, last_slash) == last_parent) continue;  // a sibling: its parents are known
    last_parent = path.substr(0, last_slash);
    for (auto slash = path.rfind('/'); slash != std::string_view::npos && slash > 0; slash = path.rfind('/')) {
      path = path.substr(0, slash);
      if (added.contains(path) || holds(sorted, path)) break;
      path = missing.emplace_back(path);
      added.insert(path);
    }
  }
  std::vector<LayerEntry> parents;
  for (std::string& path : missing) {
    parents.push_back(LayerEntry{std::move(path), EntryKind::directory, 0755, {}, {}, std::nullopt, 0, std::nullopt});
  }
  return parents;
}

// Where the tar stream goes: compressed, and hashed for the diff_id by the
// gzip writer a chunk at a time (its input hash).
struct TarSink {
  std::uint64_t bytes = 0;
  ParallelGzipWriter* gzip = nullptr;
  const std::function<void(std::uint64_t)>* progress = nullptr;
  std::uint64_t next_report = 0;

  void take(const void* data, std::size_t size) {
    bytes += size;
    gzip->write(data, size);
    if (*progress && bytes >= next_report) {
      (*progress)(bytes);
      next_report = bytes + (std::uint64_t{8} << 20);
    }
  }
};

// Adds entries to a layer's tar: headers from the entries, data from their
// host files (or their rewritten bytes).
class LayerEntryWriter {
 public:
  LayerEntryWriter(TarSink& sink, const LayerOptions& options, ReadAhead& read_ahead)
      : m_tar([&sink](const void* data, std::size_t size) { sink.take(data, size); }, "a layer"),
        m_mtime(options.mtime),
        m_pending_text_scan(options.pending_text_scan),
        m_read_ahead(read_ahead) {}

  void add(const LayerEntry& entry) {
    TarHeader header;
    header.path = entry.path.substr(entry.path.find_first_not_of('/'));
    header.kind = entry.kind;
    header.mode = entry.mode;
    header.link_target = entry.link_target;
    // Rewritten content carries its own size; `size` describes `source`.
    header.size = entry.content ? entry.content->size() : entry.size;
    header.mtime = m_mtime;
    m_tar.add_header(header);
    if (entry.kind != EntryKind::regular) return;
    if (entry.content) {
      scan_if_pending(entry, *entry.content);
      m_tar.write_data(entry.content->data(), entry.content->size(), entry.path);
    } else if (is_read_ahead(entry)) {
      copy_read_ahead(entry);
    } else {
      copy_file(entry);
    }
  }

  void close() { m_tar.finish(); }

 private:
  [[noreturn]] static void cannot_open(const LayerEntry& entry, int error) {
    throw Error("cannot read " + entry.source + ": " + std::strerror(error),
                "check the file's permissions, or exclude it with --exclude");
  }
  [[noreturn]] static void changed_size(const LayerEntry& entry) {
    throw Error(entry.source + " changed size while the layer was being written",
                "run the build again once nothing is writing into the venv or project");
  }

  // A small file, as the read-ahead thread read it (the header already says
  // the size the walk saw).
  void copy_read_ahead(const LayerEntry& entry) {
    ReadAheadResult file = m_read_ahead.next();
    if (file.open_error != 0) cannot_open(entry, file.open_error);
    if (file.read_error != 0) throw Error("cannot read " + entry.source + ": " + std::strerror(file.read_error));
    if (file.bytes.size() != entry.size) changed_size(entry);
    scan_if_pending(entry, file.bytes);
    patch_pyc_header(entry, file.bytes.data(), file.bytes.size());
    m_tar.write_data(file.bytes.data(), file.bytes.size(), entry.path);
    m_read_ahead.give_back(std::move(file.bytes));
  }

  void copy_file(const LayerEntry& entry) {
    UniqueFd fd(::open(entry.source.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) cannot_open(entry, errno);
    std::uint64_t copied = 0;
    bool first_block = true;
    while (true) {
      // One byte more than is left, so the read that brings the last bytes
      // also shows whether the file grew; a short read ends a regular file,
      // which saves a last read only to learn so (a system call per file).
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(m_buffer.size(), entry.size - copied + 1));
      ssize_t got = ::read(fd.get(), m_buffer.data(), want);
      if (got < 0) {
        if (errno == EINTR) continue;
        throw Error("cannot read " + entry.source + ": " + std::strerror(errno));
      }
      if (got == 0) break;
      // More bytes than the header announced: the file grew since the walk.
      if (copied + static_cast<std::uint64_t>(got) > entry.size) {
        copied += static_cast<std::uint64_t>(got);
        break;
      }
      if (first_block) patch_pyc_header(entry, m_buffer.data(), static_cast<std::size_t>(got));
      first_block = false;
      m_tar.write_data(m_buffer.data(), static_cast<std::size_t>(got), entry.path);
      copied += static_cast<std::uint64_t>(got);
      if (static_cast<std::size_t>(got) < want) break;
    }
    if (copied != entry.size) changed_size(entry);
  }

  void scan_if_pending(const LayerEntry& entry, std::string_view bytes) {
    if (entry.text_scan_pending && m_pending_text_scan) m_pending_text_scan(entry, bytes);
  }

  // A timestamp-based .pyc (PEP 552 flags == 0) records its source's mtime;
  // the layer gives every file m_mtime, so the record must say the same or
  // Python would treat the .pyc as stale and recompile it on every start.
  void patch_pyc_header(const LayerEntry& entry, char* bytes, std::size_t got) {
    if (got < 16 || !entry.path.ends_with(".pyc")) return;
    auto* header = reinterpret_cast<unsigned char*>(bytes);
    if (header[4] != 0 || header[5] != 0 || header[6] != 0 || header[7] != 0) return;
    auto mtime = static_cast<std::uint32_t>(m_mtime);
    for (int i = 0; i < 4; ++i) header[8 + i] = static_cast<unsigned char>(mtime >> (8 * i));
  }

  TarWriter m_tar;
  std::int64_t m_mtime;
  const std::function<void(const LayerEntry&, std::string_view)>& m_pending_text_scan;
  ReadAhead& m_read_ahead;
  std::vector<char> m_buffer = std::vector<char>(k_read_block);
};

}  // namespace

Layer write_layer(const std::vector<LayerEntry>& entries, const LayerOptions& options, const BlobStore& store) {
  std::vector<const LayerEntry*> order = sorted_references(entries);
  const std::vector<LayerEntry> parents = missing_parents(order);
  if (!parents.empty()) {
    for (const auto& parent : parents) order.push_back(&parent);
    sort_mostly_sorted(order.begin(), order.end(), referenced_path_less);
  }

  BlobWriter blob = store.writer();
  Sha256 diff_id;
  TarSink sink;
  sink.progress = &options.progress;
  ParallelGzipWriter gzip([&blob](const unsigned char* data, std::size_t size) { blob.write(data, size); },
                          options.threads, options.level, &diff_id);
  sink.gzip = &gzip;

  ReadAhead read_ahead(files_to_read_ahead(order), k_read_ahead_budget);
  LayerEntryWriter tar(sink, options, read_ahead);
  for (const LayerEntry* entry : order) {
    if (options.cancelled && options.cancelled->load(std::memory_order_relaxed)) throw Error("layer write cancelled");
    tar.add(*entry);
  }
  tar.close();
  gzip.finish();

  std::uint64_t size = blob.size();
  Digest digest = blob.commit();
  if (options.progress) options.progress(sink.bytes);
  return Layer{Descriptor{std::string(gzip_layer_media_type(options.family)), digest, size, {}, std::nullopt},
               diff_id.finish()};
}

}  // namespace venv2docker
