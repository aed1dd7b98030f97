#include "layer/shared_layers.h"

namespace venv2docker {

std::optional<SharedLayer> SharedLayers::find(const Digest& key) const {
  if (!m_lookups) return std::nullopt;
  std::lock_guard lock(m_mutex);
  auto offered = m_offered.find(key);
  if (offered == m_offered.end()) return std::nullopt;
  m_found.push_back(offered->second.layer.blob.digest);
  return offered->second;
}

void SharedLayers::offer(const Digest& key, const SharedLayer& layer) {
  std::lock_guard lock(m_mutex);
  m_offered.insert_or_assign(key, layer);
}

void SharedLayers::learn(const Digest& key, const Layer& layer, std::vector<std::string> warnings) {
  std::lock_guard lock(m_mutex);
  m_learned.insert_or_assign(key, SharedLayer{layer, std::move(warnings)});
}

std::map<Digest, SharedLayer> SharedLayers::learned() const {
  std::lock_guard lock(m_mutex);
  return m_learned;
}

std::vector<Digest> SharedLayers::found() const {
  std::lock_guard lock(m_mutex);
  return m_found;
}

}  // namespace venv2docker
