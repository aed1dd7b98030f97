// The SHA-256 of host files' bytes, each file hashed once per build. A build
// that shares through a registry keys the venv stage, the --python-from host
// interpreter and every layer by content (content_layer_key.h), and those
// keys cover the same files: the interpreter's files are in its stage key
// and its layer's key, a first runner's venv files in the stage key and each
// venv layer's key. Remembered by the file's identity and change times
// (device, inode, size, mtime, ctime), not its path: a library reached
// through a link and by its real path is one file, and a file that changed
// since is hashed again. Thread-safe: two layers are keyed at a time.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>

#include "store/digest.h"
#include "store/source_stat.h"

namespace venv2docker {

class FileDigests {
 public:
  /// The SHA-256 of `path`'s bytes, `stat` being its stat when listed, when
  /// it can be read and holds exactly stat.size bytes; nullopt otherwise
  /// (never an error: the layer write names the file).
  std::optional<Digest> of(const std::string& path, const SourceStat& stat);

 private:
  using Key = std::tuple<std::uint64_t, std::uint64_t, std::uint64_t, std::int64_t, std::int64_t>;
  std::mutex m_mutex;
  std::map<Key, Digest> m_digests;
};

/// The SHA-256 of `path`'s bytes when it holds exactly `size` bytes; nullopt
/// when it cannot be read or holds another number.
std::optional<Digest> file_sha256(const std::string& path, std::uint64_t size);

}  // namespace venv2docker
