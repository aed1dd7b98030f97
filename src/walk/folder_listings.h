// A tree walk's folder listings, read on up to two threads that share one
// stack of folders still to read, nearest first: neither runs dry while the
// other still has folders to read, so the reading splits evenly over both
// cores however the folders nest. What a folder holds, and the first error in
// walk order, never depend on which thread read what.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "walk/folder_reader.h"

namespace venv2docker {

class FolderListings {
 public:
  /// Reads `source` (absolute, clean) and everything below it, with the
  /// calling thread and `threads - 1` more (at most one more), then returns.
  /// `excludes` must outlive this.
  FolderListings(std::string source, const ExcludeRules& excludes, unsigned threads);
  FolderListings(const FolderListings&) = delete;
  FolderListings& operator=(const FolderListings&) = delete;

  /// The walked folder's listing; every folder below it is in its
  /// `subfolders`, read.
  const FolderListing& root() const { return *m_root; }

 private:
  void read_until_done(FolderReader& reader);

  std::unique_ptr<FolderListing> m_root;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  // The next to read on top: a folder's subfolders go on in reverse order, so
  // they come off in walk order, before the folders after their parent.
  std::vector<PendingFolder> m_pending;
  unsigned m_reading = 0;  // folders being read, which may add more
};

}  // namespace venv2docker
