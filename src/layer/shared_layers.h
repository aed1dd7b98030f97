// Layers shared between runners through a registry (build/registry_cache.h):
// content keys (content_layer_key.h) mapped to layers whose blobs are in a
// registry, not necessarily in this machine's store. The layer cache asks it
// after its own miss, before compressing, and tells it every layer it
// returns, so the next record can name them. Thread-safe: two layers are
// written at a time.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "image/image.h"
#include "layer/file_digests.h"
#include "store/digest.h"

namespace venv2docker {

/// The most warnings a layer carries in a record, and the longest: unpacking
/// warns once per odd member, and a record from a registry is outside text.
inline constexpr std::size_t k_max_shared_layer_warnings = 256;
inline constexpr std::size_t k_max_shared_layer_warning = 4096;

/// `warning` as a record keeps it: one line of printable UTF-8 (outside_text),
/// at most k_max_shared_layer_warning bytes.
std::string shared_warning_text(std::string_view warning);
/// Whether `text` is as shared_warning_text keeps a warning: what a record
/// read from a registry must hold.
bool is_shared_warning_text(std::string_view text);

/// A layer a record names, and what making it warned of (an --apt package's
/// unpacking): a runner that takes the layer instead of making it repeats them.
struct SharedLayer {
  Layer layer;
  std::vector<std::string> warnings;
};

class SharedLayers {
 public:
  /// `lookups`: whether find() may answer (false when the outputs need the
  /// layers' bytes here, see build/registry_cache.h); learn() works either way.
  explicit SharedLayers(bool lookups) : m_lookups(lookups) {}

  /// A layer a record mapped `key` to (see offer()), when lookups are on.
  std::optional<SharedLayer> find(const Digest& key) const;
  /// A layer a record names for `key`, blob in a registry: found by find().
  void offer(const Digest& key, const SharedLayer& layer);
  /// A layer this build produced (written, reused or found) for `key`, and
  /// what making it warned of: the first k_max_shared_layer_warnings of
  /// them, each as shared_warning_text keeps it.
  void learn(const Digest& key, const Layer& layer, const std::vector<std::string>& warnings = {});
  /// What this build learned, by key.
  std::map<Digest, SharedLayer> learned() const;
  /// The digests of the offered layers find() returned.
  std::vector<Digest> found() const;
  /// The build's file digests: the content keys of its stage, its
  /// interpreter and its layers hash each file once.
  FileDigests& file_digests() { return m_file_digests; }

 private:
  const bool m_lookups;
  mutable std::mutex m_mutex;
  std::map<Digest, SharedLayer> m_offered;
  std::map<Digest, SharedLayer> m_learned;
  mutable std::vector<Digest> m_found;
  FileDigests m_file_digests;
};

}  // namespace venv2docker
