// The base's file index, read on a thread of its own. A cold build inflates
// and lists every base layer, which is one core's work for seconds; the venv
// needs nothing of it until the checks, so build() walks, relocates and starts
// compressing the venv meanwhile, and waits here only when the checks (or
// --apt, or the base's interpreter) need the files.
//
// A base whose listings are all recorded is read only once asked for: a
// rebuild whose venv stage is recorded may need none of it, and reading the
// records would then only take a core from the walk.
#pragma once

#include <atomic>
#include <cstdint>
#include <future>
#include <optional>

#include "image/base_image.h"
#include "layer/file_index.h"
#include "store/blob_store.h"
#include "util/reporter.h"

namespace venv2docker {

class BaseFilesJob {
 public:
  /// Starts base_file_index(base, store, local_use) (build/load_base_image.h),
  /// unless every layer's listing is recorded (then start() or wait() starts
  /// it); `base` and `store` must outlive the job.
  BaseFilesJob(const BaseImage& base, const BlobStore& store, LocalLayerUse local_use);
  /// Stops the reading if wait() was not called (a failure elsewhere), and
  /// waits for its thread.
  ~BaseFilesJob();
  BaseFilesJob(const BaseFilesJob&) = delete;
  BaseFilesJob& operator=(const BaseFilesJob&) = delete;

  /// Starts the reading, if not started yet: the files will be needed.
  void start();

  /// The index, once read; rethrows the reading's Error (a layer that is not
  /// a readable tar, too many files). Meanwhile draws progress on `reporter`
  /// from the calling thread, so the reporter is never used from two threads.
  const FileIndex& wait(Reporter& reporter);

 private:
  const BaseImage& m_base;
  const BlobStore& m_store;
  LocalLayerUse m_local_use;
  std::atomic<bool> m_cancelled{false};
  std::atomic<std::uint64_t> m_bytes{0};
  std::future<FileIndex> m_result;
  std::optional<FileIndex> m_index;
};

}  // namespace venv2docker
