#include "venv2docker/layer_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <set>

#include "gzip_parallel.h"
#include "venv2docker/error.h"

namespace venv2docker {

namespace {

constexpr std::size_t k_read_block = std::size_t{1} << 20;

// Adds a folder entry for every parent that the list does not already hold,
// so tar readers never invent folders with their own modes and times.
void add_missing_parents(std::vector<LayerEntry>& entries) {
  std::set<std::string> present;
  for (const auto& entry : entries) present.insert(entry.path);
  std::vector<LayerEntry> parents;
  for (const auto& entry : entries) {
    std::string path = entry.path;
    for (auto slash = path.rfind('/'); slash != std::string::npos && slash > 0; slash = path.rfind('/')) {
      path.resize(slash);
      if (!present.insert(path).second) break;
      parents.push_back(LayerEntry{path, EntryKind::directory, 0755, {}, {}, std::nullopt, 0, std::nullopt});
    }
  }
  entries.insert(entries.end(), parents.begin(), parents.end());
}

// Where the tar stream goes: hashed for the diff_id, then compressed (or not).
struct TarSink {
  Sha256 diff_id;
  std::uint64_t bytes = 0;
  ParallelGzipWriter* gzip = nullptr;
  BlobWriter* blob = nullptr;
  const std::function<void(std::uint64_t)>* progress = nullptr;
  std::uint64_t next_report = 0;
  std::exception_ptr failure;

  void take(const void* data, std::size_t size) {
    diff_id.update(data, size);
    bytes += size;
    if (gzip) {
      gzip->write(data, size);
    } else {
      blob->write(data, size);
    }
    if (*progress && bytes >= next_report) {
      (*progress)(bytes);
      next_report = bytes + (std::uint64_t{8} << 20);
    }
  }
};

la_ssize_t archive_write_callback(struct archive*, void* client, const void* buffer, size_t length) {
  auto* sink = static_cast<TarSink*>(client);
  try {
    sink->take(buffer, length);
  } catch (...) {
    sink->failure = std::current_exception();
    return -1;
  }
  return static_cast<la_ssize_t>(length);
}

struct ArchiveDeleter {
  void operator()(struct archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

class LayerTarWriter {
 public:
  LayerTarWriter(TarSink& sink, std::int64_t mtime) : m_sink(sink), m_mtime(mtime) {
    m_archive.reset(archive_write_new());
    // pax "restricted": plain ustar headers, with pax records only when a name
    // or size needs them (long or non-ASCII paths). No atime/ctime records.
    archive_write_set_format_pax_restricted(m_archive.get());
    archive_write_set_bytes_in_last_block(m_archive.get(), 1);
    if (archive_write_open2(m_archive.get(), &m_sink, nullptr, archive_write_callback, nullptr, nullptr) != ARCHIVE_OK) {
      fail("cannot start a layer");
    }
  }

  void add(const LayerEntry& entry) {
    std::unique_ptr<archive_entry, EntryDeleter> header(archive_entry_new());
    std::string name = entry.path.substr(entry.path.find_first_not_of('/'));
    archive_entry_set_pathname_utf8(header.get(), name.c_str());
    archive_entry_set_mtime(header.get(), m_mtime, 0);
    archive_entry_set_uid(header.get(), 0);
    archive_entry_set_gid(header.get(), 0);
    archive_entry_set_perm(header.get(), entry.mode & 07777);
    switch (entry.kind) {
      case EntryKind::directory:
        archive_entry_set_filetype(header.get(), AE_IFDIR);
        break;
      case EntryKind::symlink:
        archive_entry_set_filetype(header.get(), AE_IFLNK);
        archive_entry_set_symlink_utf8(header.get(), entry.link_target.c_str());
        break;
      case EntryKind::regular:
        archive_entry_set_filetype(header.get(), AE_IFREG);
        // Rewritten content carries its own size; `size` describes `source`.
        archive_entry_set_size(header.get(),
                               static_cast<la_int64_t>(entry.content ? entry.content->size() : entry.size));
        break;
    }
    if (archive_write_header(m_archive.get(), header.get()) != ARCHIVE_OK) fail("cannot add " + entry.path);
    if (entry.kind != EntryKind::regular) return;
    if (entry.content) {
      write_data(entry.content->data(), entry.content->size(), entry.path);
    } else {
      copy_file(entry);
    }
  }

  void close() {
    if (archive_write_close(m_archive.get()) != ARCHIVE_OK) fail("cannot finish a layer");
  }

 private:
  void fail(const std::string& what) {
    if (m_sink.failure) std::rethrow_exception(m_sink.failure);
    throw Error(what + ": " + (archive_error_string(m_archive.get()) ? archive_error_string(m_archive.get()) : "libarchive failed"));
  }

  void write_data(const void* data, std::size_t size, const std::string& path) {
    if (size == 0) return;
    if (archive_write_data(m_archive.get(), data, size) != static_cast<la_ssize_t>(size)) fail("cannot add " + path);
  }

  void copy_file(const LayerEntry& entry) {
    int fd = ::open(entry.source.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
      throw Error("cannot read " + entry.source + ": " + std::strerror(errno),
                  "check the file's permissions, or exclude it with --exclude");
    }
    struct FdCloser {
      int fd;
      ~FdCloser() { ::close(fd); }
    } closer{fd};
    std::uint64_t copied = 0;
    bool first_block = true;
    while (true) {
      // One byte more than is left, so the read that brings the last bytes
      // also shows whether the file grew; a short read ends a regular file,
      // which saves a last read only to learn so (a system call per file).
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(m_buffer.size(), entry.size - copied + 1));
      ssize_t got = ::read(fd, m_buffer.data(), want);
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
      if (first_block) patch_pyc_header(entry, got);
      first_block = false;
      write_data(m_buffer.data(), static_cast<std::size_t>(got), entry.path);
      copied += static_cast<std::uint64_t>(got);
      if (static_cast<std::size_t>(got) < want) break;
    }
    if (copied != entry.size) {
      throw Error(entry.source + " changed size while the layer was being written",
                  "run the build again once nothing is writing into the venv or project");
    }
  }

  // A timestamp-based .pyc (PEP 552 flags == 0) records its source's mtime;
  // the layer gives every file m_mtime, so the record must say the same or
  // Python would treat the .pyc as stale and recompile it on every start.
  void patch_pyc_header(const LayerEntry& entry, ssize_t got) {
    if (got < 16 || !entry.path.ends_with(".pyc")) return;
    auto* header = reinterpret_cast<unsigned char*>(m_buffer.data());
    if (header[4] != 0 || header[5] != 0 || header[6] != 0 || header[7] != 0) return;
    auto mtime = static_cast<std::uint32_t>(m_mtime);
    for (int i = 0; i < 4; ++i) header[8 + i] = static_cast<unsigned char>(mtime >> (8 * i));
  }

  TarSink& m_sink;
  std::int64_t m_mtime;
  std::unique_ptr<struct archive, ArchiveDeleter> m_archive;
  std::vector<char> m_buffer = std::vector<char>(k_read_block);
};

}  // namespace

Layer write_layer(std::vector<LayerEntry> entries, const LayerOptions& options, const BlobStore& store) {
  add_missing_parents(entries);
  sort_entries(entries);

  BlobWriter blob = store.writer();
  TarSink sink;
  sink.blob = &blob;
  sink.progress = &options.progress;
  ParallelGzipWriter gzip([&blob](const unsigned char* data, std::size_t size) { blob.write(data, size); },
                          options.threads, options.level);
  sink.gzip = &gzip;

  LayerTarWriter tar(sink, options.mtime);
  for (const auto& entry : entries) {
    if (options.cancelled && options.cancelled->load(std::memory_order_relaxed)) throw Error("layer write cancelled");
    tar.add(entry);
  }
  tar.close();
  gzip.finish();

  Digest diff_id = sink.diff_id.finish();
  std::uint64_t size = blob.size();
  Digest digest = blob.commit();
  if (options.progress) options.progress(sink.bytes);
  return Layer{Descriptor{std::string(gzip_layer_media_type(options.family)), digest, size, {}, std::nullopt}, diff_id};
}

}  // namespace venv2docker
