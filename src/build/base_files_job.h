// The base's file index, read on a thread of its own. A cold build inflates
// and lists every base layer, which is one core's work for seconds; the venv
// needs nothing of it until the checks, so build() walks, relocates and starts
// compressing the venv meanwhile, and waits here only when the checks (or
// --apt, or the base's interpreter) need the files. The listings' cache
// records are written on the job's thread after the index is handed over,
// while the checks run, not before them.
#pragma once

#include <atomic>
#include <cstdint>
#include <future>
#include <optional>
#include <thread>

#include "image/base_image.h"
#include "layer/file_index.h"
#include "store/blob_store.h"
#include "util/reporter.h"

namespace venv2docker {

class BaseFilesJob {
 public:
  /// Starts base_file_index(base, store) (build/load_base_image.h); `base`
  /// and `store` must outlive the job.
  BaseFilesJob(const BaseImage& base, const BlobStore& store);
  /// Stops the reading if wait() was not called (a failure elsewhere), and
  /// waits for its thread (the listings' records written).
  ~BaseFilesJob();
  BaseFilesJob(const BaseFilesJob&) = delete;
  BaseFilesJob& operator=(const BaseFilesJob&) = delete;

  /// The index, once read; rethrows the reading's Error (a layer that is not
  /// a readable tar, too many files). Meanwhile draws progress on `reporter`
  /// from the calling thread, so the reporter is never used from two threads.
  const FileIndex& wait(Reporter& reporter);
  /// Waits until the listings read are cached too (what a registry cache
  /// record takes from the store).
  void wait_for_records();

 private:
  void read(const BaseImage& base, const BlobStore& store);

  std::atomic<bool> m_cancelled{false};
  std::atomic<std::uint64_t> m_bytes{0};
  std::promise<FileIndex> m_promise;
  std::future<FileIndex> m_result = m_promise.get_future();
  std::optional<FileIndex> m_index;
  std::thread m_thread;  // last: it starts once the rest is ready
};

}  // namespace venv2docker
