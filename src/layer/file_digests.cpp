#include "layer/file_digests.h"

#include "util/error.h"
#include "util/file_bytes.h"

namespace venv2docker {

std::optional<Digest> file_sha256(const std::string& path, std::uint64_t size) {
  Sha256 hash;
  try {
    // One byte more than listed, to see a file that grew.
    const std::uint64_t read = stream_file(
        path, size + 1, [&](const char* data, std::size_t length) { hash.update(data, length); }, "a layer's file");
    if (read != size) return std::nullopt;
  } catch (const Error&) {
    return std::nullopt;
  }
  return hash.finish();
}

std::optional<Digest> FileDigests::of(const std::string& path, const SourceStat& stat) {
  Key key{stat.device, stat.inode, stat.size, stat.mtime_ns, stat.ctime_ns};
  {
    std::lock_guard lock(m_mutex);
    if (auto found = m_digests.find(key); found != m_digests.end()) return found->second;
  }
  // Hashed outside the lock: the other layer's files meanwhile.
  std::optional<Digest> digest = file_sha256(path, stat.size);
  if (digest) {
    std::lock_guard lock(m_mutex);
    m_digests.emplace(key, *digest);
  }
  return digest;
}

}  // namespace venv2docker
