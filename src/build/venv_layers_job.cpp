#include "build/venv_layers_job.h"

#include "layer/layer_cache.h"
#include "venv/venv_layers.h"

namespace venv2docker {

VenvLayersJob::VenvLayersJob(std::shared_ptr<const std::vector<LayerEntry>> relocated_entries,
                             std::string venv_destination, unsigned max_layers, LayerOptions options,
                             const BlobStore& store) {
  options.progress = [this](std::uint64_t bytes) { m_bytes.store(bytes, std::memory_order_relaxed); };
  options.cancelled = &m_cancelled;
  m_result = std::async(std::launch::async, [relocated_entries = std::move(relocated_entries),
                                             destination = std::move(venv_destination), max_layers,
                                             options = std::move(options), &store]() mutable {
    // One layer per large distribution (and a few shared ones), so a bumped
    // dependency changes one layer; --max-layers 1 keeps a single venv layer.
    std::vector<LayerGroup> groups = split_venv_layers(*relocated_entries, destination, max_layers);
    // The groups hold their own copies: once the checks are done with the
    // relocated entries too, they are freed while the layers are written.
    relocated_entries.reset();
    std::vector<std::vector<LayerEntry>> group_entries;
    for (auto& group : groups) group_entries.push_back(std::move(group.entries));
    VenvLayersWritten written;
    std::vector<Layer> layers = write_layers_cached(std::move(group_entries), options, store, &written.reused);
    for (std::size_t i = 0; i < groups.size(); ++i) written.layers.push_back({groups[i].name, std::move(layers[i])});
    return written;
  });
}

VenvLayersJob::~VenvLayersJob() {
  if (!m_result.valid()) return;
  m_cancelled = true;
  m_result.wait();  // its error, if any, is the cancellation: nobody needs it
}

VenvLayersWritten VenvLayersJob::wait(const std::string& label, Reporter& reporter) {
  using namespace std::chrono_literals;
  while (m_result.wait_for(100ms) != std::future_status::ready) reporter.progress(label, m_bytes.load());
  reporter.end_progress();
  return m_result.get();
}

}  // namespace venv2docker
