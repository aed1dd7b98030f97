// A tree walk's folder listings, read on up to two threads that share one
// stack of folders still to read, nearest first. A helper thread reads from
// the moment the walk starts; the thread that visits the entries asks for each
// folder's listing when it gets there, and reads pending folders itself rather
// than wait. Neither runs dry while the other still has folders to read, and
// the first visit overlaps the reading. What a folder holds, and the first
// error in walk order, never depend on which thread read what.
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
  /// Starts reading `source` (absolute, clean) and everything below it, with
  /// `threads - 1` more threads (at most one more) besides the one that asks
  /// for the listings. `excludes` must outlive this.
  FolderListings(std::string source, const ExcludeRules& excludes, unsigned threads);
  ~FolderListings();
  FolderListings(const FolderListings&) = delete;
  FolderListings& operator=(const FolderListings&) = delete;

  /// The walked folder's listing, once read. Like subfolder(), called from
  /// one thread at a time: it may read pending folders itself.
  const FolderListing& root();
  /// The listing of `parent`'s `index`-th subfolder (0 for the first folder
  /// among its children), once read.
  const FolderListing& subfolder(const FolderListing& parent, std::size_t index);

 private:
  const FolderListing& wait_for(const std::unique_ptr<FolderListing>& slot);
  void read_one(std::unique_lock<std::mutex>& lock, FolderReader& reader, std::vector<PendingFolder>& found);
  void help();

  const ExcludeRules& m_excludes;
  std::unique_ptr<FolderListing> m_root;
  FolderReader m_reader;               // the asking thread's
  std::vector<PendingFolder> m_found;  // the asking thread's, between two reads
  std::mutex m_mutex;
  std::condition_variable m_changed;
  // The next to read on top: a folder's subfolders go on in reverse order, so
  // they come off in walk order, before the folders after their parent.
  std::vector<PendingFolder> m_pending;
  unsigned m_reading = 0;  // folders being read, which may add more
  bool m_stop = false;
  std::thread m_helper;
};

}  // namespace venv2docker
