// Gzip on every core with output that does not depend on the thread count.
//
// The input is cut into fixed-size chunks and each chunk becomes one gzip
// member (RFC 1952 allows a file to be a series of members; gzip, Go's
// compress/gzip, libarchive and zlib all read them back as one stream). The
// chunk size, never the thread count, decides the bytes, so any machine gives
// the same digest. libdeflate does the compressing: faster than zlib at the
// same level, with slightly smaller output.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

namespace venv2docker {

class Sha256;

class ParallelGzipWriter {
 public:
  using Sink = std::function<void(const unsigned char* data, std::size_t size)>;

  static constexpr std::size_t k_chunk_size = std::size_t{1} << 21;  // 2 MiB of input per member
  /// The name of each compressing thread (threads > 1; one thread compresses
  /// on the caller's).
  static constexpr const char* k_thread_name = "v2d-gzip";

  /// `threads` 0 means one per core. `sink` receives the compressed bytes in
  /// order, always on the calling thread. `input_hash`, when given, is fed
  /// every input byte in order, a chunk at a time (a layer's diff_id: a tar of
  /// many small files would otherwise be hashed in as many small pieces), on
  /// the compressing threads. It is complete once finish() returns.
  ParallelGzipWriter(Sink sink, unsigned threads, int level, Sha256* input_hash = nullptr);
  ~ParallelGzipWriter();
  ParallelGzipWriter(const ParallelGzipWriter&) = delete;
  ParallelGzipWriter& operator=(const ParallelGzipWriter&) = delete;

  void write(const void* data, std::size_t size);
  /// Compresses what is buffered and waits for every member to reach the sink.
  void finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace venv2docker
