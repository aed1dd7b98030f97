// Runs jobs 0..count-1 on up to `parallelism` threads. The first exception
// stops the handing out of new jobs and is rethrown once all threads end; so
// does a SIGINT or SIGTERM (util/cancellation.h), before the next job starts.
// Header only.
#pragma once

#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "util/cancellation.h"

namespace venv2docker {

inline void run_jobs(std::size_t count, unsigned parallelism, const std::function<void(std::size_t)>& job) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first_error;
  std::mutex error_mutex;
  auto worker = [&] {
    for (;;) {
      if (failed) return;
      std::size_t index = next++;
      if (index >= count) return;
      try {
        throw_if_cancelled();
        job(index);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!first_error) first_error = std::current_exception();
        failed = true;
        return;
      }
    }
  };
  std::size_t threads = std::min<std::size_t>(std::max(1u, parallelism), count);
  if (threads <= 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (std::size_t i = 0; i < threads; ++i) pool.emplace_back(worker);
    for (auto& thread : pool) thread.join();
  }
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace venv2docker
