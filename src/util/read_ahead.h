// Reads small files ahead of the one who asks for them, on a thread of its
// own and in the order they will be asked for. A layer of many small files is
// bound by each file's open, read and close calls, not by its bytes: on their
// own thread they run on another core while the asker does the rest (tar
// headers, hashing), as tar | pigz splits its work between processes. Memory
// stays within a byte budget however many files there are.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace venv2docker {

struct ReadAheadFile {
  const std::string* path;  // absolute; must outlive the ReadAhead
  std::uint64_t size;       // what the caller expects (read up to one byte more)
};

/// One file as read: up to its expected size plus one byte, so a file that
/// grew shows it, or the errno of what failed.
struct ReadAheadResult {
  std::string bytes;
  int open_error = 0;  // open failed with this errno
  int read_error = 0;  // read failed with this errno
};

class ReadAhead {
 public:
  /// Starts reading `files` in order, holding at most about `byte_budget`
  /// bytes (and a bounded number of files) not yet taken.
  ReadAhead(std::vector<ReadAheadFile> files, std::size_t byte_budget);
  /// Stops the thread (files not taken are not read).
  ~ReadAhead();
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  /// The next file in the order given; waits while it is being read. Must
  /// not be called more often than there are files.
  ReadAheadResult next();
  /// Hands back a result's bytes once used, for the reader to fill again: no
  /// allocation per file, and none freed on another thread than made it
  /// (both threads would then contend for malloc's locks on every file).
  void give_back(std::string bytes);

 private:
  void read_all();
  // Under m_mutex: the queue has drained enough for a waiting reader to go on.
  bool drained() const;
  // Under m_mutex: enough is queued (or nothing more will come) to wake the asker.
  bool batch_ready() const;

  std::vector<ReadAheadFile> m_files;
  std::size_t m_byte_budget;
  std::mutex m_mutex;
  std::condition_variable m_taken;  // the reader waits here for room
  std::condition_variable m_ready;  // the asker waits here for a file
  std::deque<ReadAheadResult> m_queue;
  std::vector<std::string> m_spare;  // handed back, to be filled again
  std::size_t m_queued_bytes = 0;
  bool m_stopping = false;
  bool m_asker_waiting = false;
  bool m_reader_waiting = false;
  bool m_reader_done = false;
  std::thread m_thread;
};

}  // namespace venv2docker
