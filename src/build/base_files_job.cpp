#include "build/base_files_job.h"

#include "build/load_base_image.h"

namespace venv2docker {

BaseFilesJob::BaseFilesJob(const BaseImage& base, const BlobStore& store, LocalLayerUse local_use)
    : m_base(base), m_store(store), m_local_use(local_use) {
  if (!base_files_recorded(base, store, local_use)) start();
}

BaseFilesJob::~BaseFilesJob() {
  if (!m_result.valid()) return;
  m_cancelled = true;
  m_result.wait();  // its error, if any, is the cancellation: the caller's own error is the one to report
}

void BaseFilesJob::start() {
  if (m_result.valid() || m_index) return;
  m_result = std::async(std::launch::async, [this] {
    return base_file_index(m_base, m_store, ReadWatch{&m_bytes, &m_cancelled}, m_local_use);
  });
}

const FileIndex& BaseFilesJob::wait(Reporter& reporter) {
  if (m_index) return *m_index;
  start();
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
