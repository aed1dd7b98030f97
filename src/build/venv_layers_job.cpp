#include "build/venv_layers_job.h"

#include "layer/layer_cache.h"

namespace venv2docker {

VenvLayersJob::VenvLayersJob(std::shared_ptr<const std::vector<LayerGroup>> groups, LayerOptions options,
                             const BlobStore& store) {
  options.progress = [this](std::uint64_t bytes) { m_bytes.store(bytes, std::memory_order_relaxed); };
  options.cancelled = &m_cancelled;
  m_result = std::async(std::launch::async, [groups = std::move(groups), options = std::move(options), &store]() {
    // The groups' own entries, read in place: the venv is held once, while
    // the checks read the same entries.
    std::vector<const std::vector<LayerEntry>*> group_entries;
    for (const LayerGroup& group : *groups) group_entries.push_back(&group.entries);
    VenvLayersWritten written;
    std::vector<Layer> layers = write_layers_cached(group_entries, options, store, &written.reused);
    for (std::size_t i = 0; i < groups->size(); ++i) {
      written.layers.push_back({(*groups)[i].name, std::move(layers[i])});
    }
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
