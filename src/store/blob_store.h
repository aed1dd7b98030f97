// The content-addressed blob store: every blob pulled or built lives here once,
// under <root>/blobs/sha256/<hex>, and every output links or copies from it.
// Safe for concurrent runs: blobs are written aside and renamed into place, and
// a blob's name is its verified digest.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "store/digest.h"

namespace venv2docker {

class AtomicFile;

/// Throws Error naming `what` when a blob's bytes (`actual`, `size`) are not
/// the `expected` digest or size (each checked only when given). The hint
/// says nothing was stored: the caller stores nothing after a mismatch.
void require_blob_matches(const Digest& actual, std::uint64_t size, const std::optional<Digest>& expected,
                          std::optional<std::uint64_t> expected_size, std::string_view what);

/// Streams one blob into the store, hashing it on the way.
class BlobWriter {
 public:
  BlobWriter(BlobWriter&&) noexcept;
  ~BlobWriter();

  void write(const void* data, std::size_t size);
  std::uint64_t size() const { return m_size; }
  /// Verifies the digest (and size) when expected, then moves the blob into the
  /// store. Throws Error on a mismatch; nothing is stored in that case.
  Digest commit(const std::optional<Digest>& expected = std::nullopt,
                std::optional<std::uint64_t> expected_size = std::nullopt,
                std::string_view what = "blob");

 private:
  friend class BlobStore;
  BlobWriter(const class BlobStore& store, std::filesystem::path temporary_destination);
  const class BlobStore* m_store;
  std::unique_ptr<AtomicFile> m_file;
  Sha256 m_hash;
  std::uint64_t m_size = 0;
};

class BlobStore {
 public:
  explicit BlobStore(std::filesystem::path root);
  /// $XDG_CACHE_HOME/venv2docker, else ~/.cache/venv2docker.
  static std::filesystem::path default_root();

  const std::filesystem::path& root() const { return m_root; }
  std::filesystem::path path_of(const Digest& digest) const;
  bool has(const Digest& digest) const;
  /// Size of a stored blob; throws Error if absent.
  std::uint64_t size_of(const Digest& digest) const;

  BlobWriter writer() const;
  /// Stores small bytes (JSON documents) and returns their digest.
  Digest put(std::string_view bytes) const;
  /// Streams a host file into the store, verifying digest and size when given.
  /// Skips the copy when the expected blob is already stored. Throws Error
  /// naming `what` on a mismatch; nothing is stored then.
  Digest import_file(const std::filesystem::path& file, const std::optional<Digest>& expected,
                     std::optional<std::uint64_t> expected_size, std::string_view what) const;
  /// Reads a stored blob of at most `max_size` bytes. Throws Error if absent,
  /// too large, or if its bytes no longer match its name.
  std::string read(const Digest& digest, std::size_t max_size) const;
  /// Makes `destination` hold the blob: a hard link where the file system
  /// allows, else a copy. Never leaves a partial file.
  void link_to(const Digest& digest, const std::filesystem::path& destination) const;

 private:
  std::filesystem::path m_root;
};

}  // namespace venv2docker
