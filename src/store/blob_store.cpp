#include "store/blob_store.h"

#include <cstdlib>
#include <limits>
#include <vector>
#include <system_error>

#include "util/atomic_file.h"
#include "util/error.h"
#include "util/file_bytes.h"
#include "util/temporary_path.h"
#include "util/test_kill_point.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

// The cache keeps its records and folders two levels deep at most (tmp/,
// layers/, apt/unpacked/...), and temporaries sit beside what they become.
// Folders deeper down (an unpacked package's files) are made inside a
// temporary folder, so sweeping that folder sweeps them too.
void sweep_cache_temporaries(const fs::path& root) {
  sweep_dead_temporaries(root);
  std::error_code ec;
  for (fs::directory_iterator first(root, ec), end; !ec && first != end; first.increment(ec)) {
    if (!first->is_directory(ec)) continue;
    sweep_dead_temporaries(first->path());
    std::error_code inner;
    for (fs::directory_iterator second(first->path(), inner); !inner && second != end; second.increment(inner)) {
      if (second->is_directory(inner)) sweep_dead_temporaries(second->path());
    }
  }
}

}  // namespace

BlobWriter::BlobWriter(const BlobStore& store, fs::path temporary_destination)
    : m_store(&store), m_file(std::make_unique<AtomicFile>(std::move(temporary_destination))) {}
BlobWriter::BlobWriter(BlobWriter&&) noexcept = default;
BlobWriter::~BlobWriter() = default;

void BlobWriter::write(const void* data, std::size_t size) {
  m_hash.update(data, size);
  m_file->write(data, size);
  // Only large blobs (layers) pass the mark: the kill lands mid-layer.
  constexpr std::uint64_t k_kill_mark = std::uint64_t{1} << 20;
  if (m_size < k_kill_mark && m_size + size >= k_kill_mark) test_kill_point("mid-blob");
  m_size += size;
}

void require_blob_matches(const Digest& actual, std::uint64_t size, const std::optional<Digest>& expected,
                          std::optional<std::uint64_t> expected_size, std::string_view what) {
  if (expected_size && *expected_size != size) {
    throw Error(std::string(what) + " has " + std::to_string(size) + " bytes, expected " +
                std::to_string(*expected_size) + (expected ? " (" + expected->str() + ")" : ""),
                "the source is corrupt or was tampered with; nothing was stored");
  }
  if (expected && *expected != actual) {
    throw Error(std::string(what) + " has digest " + actual.str() + ", expected " + expected->str(),
                "the source is corrupt or was tampered with; nothing was stored");
  }
}

Digest BlobWriter::commit(const std::optional<Digest>& expected, std::optional<std::uint64_t> expected_size,
                          std::string_view what) {
  Digest actual = m_hash.finish();
  require_blob_matches(actual, m_size, expected, expected_size, what);
  // Renaming onto an existing blob is harmless: same name, same bytes.
  m_file->commit_as(m_store->path_of(actual));
  return actual;
}

BlobStore::BlobStore(fs::path root) : m_root(std::move(root)) {
  std::error_code ec;
  fs::create_directories(m_root / "blobs" / "sha256", ec);
  if (!ec) fs::create_directories(m_root / "tmp", ec);
  if (ec) {
    throw Error("cannot create the cache folder " + m_root.string() + ": " + ec.message(),
                "pass --cache-dir with a writable folder");
  }
  sweep_cache_temporaries(m_root);
}

fs::path BlobStore::default_root() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return fs::path(xdg) / "venv2docker";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".cache" / "venv2docker";
  throw Error("cannot find a cache folder: neither XDG_CACHE_HOME nor HOME is set", "pass --cache-dir");
}

fs::path BlobStore::path_of(const Digest& digest) const {
  return m_root / "blobs" / "sha256" / std::string(digest.hex());
}

bool BlobStore::has(const Digest& digest) const {
  std::error_code ec;
  return fs::is_regular_file(path_of(digest), ec);
}

std::uint64_t BlobStore::size_of(const Digest& digest) const {
  std::error_code ec;
  auto size = fs::file_size(path_of(digest), ec);
  if (ec) throw Error("blob " + digest.str() + " is missing from " + m_root.string());
  return size;
}

BlobWriter BlobStore::writer() const {
  // AtomicFile picks a unique temporary beside this name; commit() renames it
  // straight to the blob's digest.
  return BlobWriter(*this, m_root / "tmp" / "blob");
}

Digest BlobStore::put(std::string_view bytes) const {
  Digest digest = sha256_of(bytes);
  if (has(digest)) return digest;
  BlobWriter out = writer();
  out.write(bytes.data(), bytes.size());
  return out.commit(digest);
}

Digest BlobStore::import_file(const fs::path& file, const std::optional<Digest>& expected,
                              std::optional<std::uint64_t> expected_size, std::string_view what) const {
  if (expected && has(*expected) && (!expected_size || size_of(*expected) == *expected_size)) return *expected;
  BlobWriter out = writer();
  // A source longer than it should be is found after one byte too many, not
  // after copying all of it (a layout's blob may be a link to /dev/zero).
  const std::uint64_t limit = expected_size ? *expected_size + 1 : std::numeric_limits<std::uint64_t>::max();
  stream_file(file, limit, [&](const char* data, std::size_t size) { out.write(data, size); }, what);
  return out.commit(expected, expected_size, std::string(what) + " (" + file.string() + ")");
}

std::string BlobStore::read(const Digest& digest, std::size_t max_size) const {
  std::optional<std::string> bytes = read_file_bytes(path_of(digest), max_size);
  if (!bytes) throw Error("blob " + digest.str() + " is missing from " + m_root.string());
  if (sha256_of(*bytes) != digest) {
    throw Error("blob " + path_of(digest).string() + " does not match its digest",
                "the cache is corrupt: remove that file (or the whole cache folder) and retry");
  }
  return std::move(*bytes);
}

void BlobStore::link_to(const Digest& digest, const fs::path& destination) const {
  std::error_code ec;
  fs::path source = path_of(digest);
  if (fs::exists(destination, ec)) return;  // already there: same name, same bytes
  fs::create_hard_link(source, destination, ec);
  if (!ec) return;
  AtomicFile copy(destination);
  stream_file(source, std::numeric_limits<std::uint64_t>::max(),
              [&](const char* data, std::size_t size) { copy.write(data, size); }, "blob " + digest.str());
  copy.commit();
}

}  // namespace venv2docker
