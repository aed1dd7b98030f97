#include "layer/shared_layers.h"

#include "util/terminal_text.h"

namespace venv2docker {

namespace {

// Room for the "..." after a cut and an escape begun just before it.
constexpr std::size_t k_cut_room = 8;

}  // namespace

std::string shared_warning_text(std::string_view warning) {
  return outside_text(warning, k_max_shared_layer_warning - k_cut_room);
}

bool is_shared_warning_text(std::string_view text) {
  return text.size() <= k_max_shared_layer_warning && outside_text(text, text.size() + 1) == text;
}

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

void SharedLayers::learn(const Digest& key, const Layer& layer, const std::vector<std::string>& warnings) {
  SharedLayer learned{layer, {}};
  for (const std::string& warning : warnings) {
    if (learned.warnings.size() == k_max_shared_layer_warnings) break;
    learned.warnings.push_back(shared_warning_text(warning));
  }
  std::lock_guard lock(m_mutex);
  m_learned.insert_or_assign(key, std::move(learned));
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
