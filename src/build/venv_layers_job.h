// The venv's layers, written on a thread of their own. build() starts them
// once relocation and the split are done, before the compatibility checks: the
// checks are one thread's work, and on a cold build compression would
// otherwise wait for them with a core idle. A check that fails cancels the
// job; what it wrote stays in the cache only, never in an output.
#pragma once

#include <atomic>
#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "build/venv_stage_record.h"
#include "layer/layer_writer.h"
#include "store/blob_store.h"
#include "util/reporter.h"
#include "venv/venv_layers.h"

namespace venv2docker {

struct VenvLayersWritten {
  std::vector<VenvStageLayer> layers;  // in split_venv_layers' order
  std::vector<bool> reused;            // per layer: taken from the layer cache
};

class VenvLayersJob {
 public:
  /// Starts writing the venv's layers, `groups` (split_venv_layers; shared,
  /// as the checks read them meanwhile), through the layer cache; `store`
  /// must outlive the job. options.progress and options.cancelled are the
  /// job's own.
  VenvLayersJob(std::shared_ptr<const std::vector<LayerGroup>> groups, LayerOptions options, const BlobStore& store);
  /// Cancels the job if wait() was not called, and waits for its threads.
  ~VenvLayersJob();
  VenvLayersJob(const VenvLayersJob&) = delete;
  VenvLayersJob& operator=(const VenvLayersJob&) = delete;

  /// The written layers; rethrows the job's error. Meanwhile redraws
  /// `label`'s progress on `reporter` from the calling thread, so the
  /// reporter is never used from two threads.
  VenvLayersWritten wait(const std::string& label, Reporter& reporter);

 private:
  std::atomic<bool> m_cancelled{false};
  std::atomic<std::uint64_t> m_bytes{0};
  std::future<VenvLayersWritten> m_result;
};

}  // namespace venv2docker
