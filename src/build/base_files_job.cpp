#include "build/base_files_job.h"

#include "build/load_base_image.h"
#include "layer/layer_listing.h"

namespace venv2docker {

BaseFilesJob::BaseFilesJob(const BaseImage& base, const BlobStore& store)
    : m_thread([this, &base, &store] { read(base, store); }) {}

void BaseFilesJob::read(const BaseImage& base, const BlobStore& store) {
  DeferredListings records;
  try {
    m_promise.set_value(base_file_index(base, store, ReadWatch{&m_bytes, &m_cancelled}, &records));
  } catch (...) {
    m_promise.set_exception(std::current_exception());
    return;
  }
  try {
    records.keep_all(store);
  } catch (const std::exception&) {
    // Only the cache loses (the next build lists those layers again); the
    // index this build needs was handed over already.
  }
}

BaseFilesJob::~BaseFilesJob() {
  // Not waited for: a failure elsewhere. Its error, if any, is the
  // cancellation: the caller's own error is the one to report.
  if (m_result.valid()) m_cancelled = true;
  wait_for_records();
}

void BaseFilesJob::wait_for_records() {
  if (m_thread.joinable()) m_thread.join();
}

const FileIndex& BaseFilesJob::wait(Reporter& reporter) {
  if (m_index) return *m_index;
  using namespace std::chrono_literals;
  if (m_result.wait_for(0s) != std::future_status::ready) {
    while (m_result.wait_for(100ms) != std::future_status::ready) {
      reporter.progress("reading the base's layers", m_bytes.load(std::memory_order_relaxed));
    }
    reporter.end_progress();
  }
  m_index = m_result.get();
  return *m_index;
}

}  // namespace venv2docker
