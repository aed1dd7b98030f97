#include "layer/gzip_parallel.h"

#include <libdeflate.h>
#include <pthread.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "store/digest.h"
#include "util/error.h"

namespace venv2docker {

namespace {

// Gzip member header with no name, no time and "unknown" OS, so the bytes do
// not depend on when or where they were made.
constexpr unsigned char k_member_header[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};

// One chunk on its way through a worker. Jobs are recycled once their member
// reaches the sink, so the 2 MiB buffers are allocated (and page-faulted in)
// once per writer rather than once per chunk.
struct Job {
  std::vector<unsigned char> input;
  std::unique_ptr<unsigned char[]> output;  // not zero-filled: libdeflate writes it
  std::size_t output_capacity = 0;
  std::size_t output_size = 0;
  bool done = false;
  bool hashed = false;  // its input is in the input hash (or there is none)
};

void put_le32(unsigned char* out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<unsigned char>(value >> (8 * i));
}

class Compressor {
 public:
  explicit Compressor(int level) : m_handle(libdeflate_alloc_compressor(level)) {
    if (!m_handle) throw Error("libdeflate cannot compress at level " + std::to_string(level));
  }
  ~Compressor() { libdeflate_free_compressor(m_handle); }
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;

  void compress_member(Job& job) {
    const auto& in = job.input;
    const std::size_t bound = libdeflate_deflate_compress_bound(m_handle, in.size());
    const std::size_t needed = sizeof k_member_header + bound + 8;
    if (job.output_capacity < needed) {
      job.output.reset(new unsigned char[needed]);
      job.output_capacity = needed;
    }
    unsigned char* out = job.output.get();
    std::memcpy(out, k_member_header, sizeof k_member_header);
    const std::size_t written =
        libdeflate_deflate_compress(m_handle, in.data(), in.size(), out + sizeof k_member_header, bound);
    if (written == 0) throw Error("libdeflate failed to compress a layer chunk");
    unsigned char* trailer = out + sizeof k_member_header + written;
    put_le32(trailer, libdeflate_crc32(0, in.data(), in.size()));
    put_le32(trailer + 4, static_cast<std::uint32_t>(in.size()));
    job.output_size = sizeof k_member_header + written + 8;
  }

 private:
  libdeflate_compressor* m_handle;
};

}  // namespace

struct ParallelGzipWriter::Impl {
  Sink sink;
  int level;
  unsigned thread_count;
  Sha256* input_hash = nullptr;
  std::vector<unsigned char> buffer;
  bool wrote_member = false;

  std::mutex mutex;
  std::condition_variable work_ready;
  std::condition_variable job_done;
  std::deque<std::shared_ptr<Job>> pending;    // waiting for a worker
  std::deque<std::shared_ptr<Job>> in_order;   // every job not yet given to the sink
  std::vector<std::shared_ptr<Job>> spare;     // finished jobs, for reuse (caller's thread only)
  std::exception_ptr failure;
  bool stopping = false;
  bool hashing = false;  // a worker is feeding the input hash
  std::vector<std::thread> workers;
  std::unique_ptr<Compressor> inline_compressor;  // used when thread_count == 1

  void worker_loop() {
    // Named, so a profile (and a test) tells the compressing threads apart.
    pthread_setname_np(pthread_self(), k_thread_name);
    try {
      Compressor compressor(level);
      std::unique_lock lock(mutex);
      while (true) {
        work_ready.wait(lock, [&] { return stopping || !pending.empty(); });
        if (pending.empty()) return;
        auto job = pending.front();
        pending.pop_front();
        lock.unlock();
        try {
          compressor.compress_member(*job);
        } catch (...) {
          lock.lock();
          failure = std::current_exception();
          job->done = true;
          job_done.notify_all();
          continue;
        }
        lock.lock();
        job->done = true;
        hash_in_order(lock);
        job_done.notify_all();
      }
    } catch (...) {
      std::lock_guard lock(mutex);
      failure = std::current_exception();
      job_done.notify_all();
    }
  }

  // The input hash takes the chunks in order, on the workers: the caller's
  // thread, which makes the tar, is the one a layer of many small files waits
  // for. Whoever finishes a chunk feeds the hash every compressed chunk next
  // in line, one worker at a time, the lock let go while hashing.
  void hash_in_order(std::unique_lock<std::mutex>& lock) {
    while (!hashing) {
      const auto next = std::find_if(in_order.begin(), in_order.end(), [](const auto& job) { return !job->hashed; });
      if (next == in_order.end() || !(*next)->done) return;
      const std::shared_ptr<Job> job = *next;
      hashing = true;
      lock.unlock();
      input_hash->update(job->input.data(), job->input.size());
      lock.lock();
      hashing = false;
      job->hashed = true;
    }
  }

  // Hands the oldest finished job to the sink; waits for it if needed.
  void emit_oldest() {
    std::shared_ptr<Job> job;
    {
      std::unique_lock lock(mutex);
      job_done.wait(lock, [&] { return failure || (in_order.front()->done && in_order.front()->hashed); });
      if (failure) std::rethrow_exception(failure);
      job = in_order.front();
      in_order.pop_front();
    }
    sink(job->output.get(), job->output_size);
    recycle(std::move(job));
  }

  void recycle(std::shared_ptr<Job> job) {
    job->input.clear();
    job->done = false;
    job->hashed = false;
    spare.push_back(std::move(job));
  }

  void submit_buffer() {
    std::shared_ptr<Job> job;
    if (spare.empty()) {
      job = std::make_shared<Job>();
    } else {
      job = std::move(spare.back());
      spare.pop_back();
    }
    job->input.swap(buffer);  // the buffer takes the spare job's emptied input
    buffer.reserve(k_chunk_size);
    wrote_member = true;
    // A whole chunk at once: far fewer calls than one per tar header and small file.
    job->hashed = !input_hash;
    if (thread_count == 1) {
      if (input_hash) input_hash->update(job->input.data(), job->input.size());
      inline_compressor->compress_member(*job);
      sink(job->output.get(), job->output_size);
      recycle(std::move(job));
      return;
    }
    // Bound the memory in flight: two chunks per worker.
    while (in_order.size() >= 2 * thread_count) emit_oldest();
    {
      std::lock_guard lock(mutex);
      in_order.push_back(job);
      pending.push_back(job);
    }
    work_ready.notify_one();
  }
};

ParallelGzipWriter::ParallelGzipWriter(Sink sink, unsigned threads, int level, Sha256* input_hash)
    : m_impl(std::make_unique<Impl>()) {
  m_impl->sink = std::move(sink);
  m_impl->level = level;
  m_impl->input_hash = input_hash;
  m_impl->thread_count = threads != 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
  m_impl->buffer.reserve(k_chunk_size);
  if (m_impl->thread_count == 1) {
    m_impl->inline_compressor = std::make_unique<Compressor>(level);
  } else {
    for (unsigned i = 0; i < m_impl->thread_count; ++i) {
      m_impl->workers.emplace_back([impl = m_impl.get()] { impl->worker_loop(); });
    }
  }
}

ParallelGzipWriter::~ParallelGzipWriter() {
  {
    std::lock_guard lock(m_impl->mutex);
    m_impl->stopping = true;
    m_impl->pending.clear();
  }
  m_impl->work_ready.notify_all();
  for (auto& worker : m_impl->workers) worker.join();
}

void ParallelGzipWriter::write(const void* data, std::size_t size) {
  auto* bytes = static_cast<const unsigned char*>(data);
  while (size > 0) {
    std::size_t room = k_chunk_size - m_impl->buffer.size();
    std::size_t take = std::min(room, size);
    m_impl->buffer.insert(m_impl->buffer.end(), bytes, bytes + take);
    bytes += take;
    size -= take;
    if (m_impl->buffer.size() == k_chunk_size) m_impl->submit_buffer();
  }
}

void ParallelGzipWriter::finish() {
  // An empty stream is still one (empty) member: a valid gzip file.
  if (!m_impl->buffer.empty() || !m_impl->wrote_member) m_impl->submit_buffer();
  while (!m_impl->in_order.empty()) m_impl->emit_oldest();
}

}  // namespace venv2docker
