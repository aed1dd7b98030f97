// A tree walk's folder listings, read on up to two threads. The walk's own
// thread builds every entry, in walk order, and asks for each folder's listing
// when it gets there; meanwhile a helper thread reads the folders still to
// come, nearest first. When the walk gets ahead, it reads pending folders too
// rather than wait. What a folder holds, and the first error in walk order,
// then never depend on which thread read what.
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
  /// Reads `source` (absolute, clean) and below, with the walk's thread and
  /// `threads - 1` more (at most one more: the walk's own thread is busy
  /// building entries, so a third would mostly wait). `excludes` must outlive this.
  FolderListings(std::string source, const ExcludeRules& excludes, unsigned threads);
  ~FolderListings();
  FolderListings(const FolderListings&) = delete;
  FolderListings& operator=(const FolderListings&) = delete;

  /// The walked folder's listing.
  FolderListing& root();
  /// The listing of `parent`'s `index`-th subfolder (0 for the first folder
  /// among its children).
  FolderListing& subfolder(FolderListing& parent, std::size_t index);
  /// Takes back what subfolder(parent, index) returned once the walk is done
  /// with it: its buffers get used again instead of fresh memory, each page of
  /// which costs a fault.
  void done_with(FolderListing& parent, std::size_t index);

 private:
  FolderListing& wait_for(std::unique_ptr<FolderListing>& slot);
  void read_or_wait(std::unique_lock<std::mutex>& lock, FolderReader& reader, std::vector<PendingFolder>& found);
  void help();

  const ExcludeRules& m_excludes;
  std::unique_ptr<FolderListing> m_root;
  FolderReader m_reader;  // the walk's thread's
  std::vector<PendingFolder> m_found;  // the walk's thread's, between two reads
  std::mutex m_mutex;
  std::condition_variable m_changed;
  // The next to read on top: a folder's subfolders go on in reverse order, so
  // they come off in walk order, before the folders after their parent.
  std::vector<PendingFolder> m_pending;
  std::vector<std::unique_ptr<FolderListing>> m_spares;
  bool m_stop = false;
  std::thread m_helper;
};

}  // namespace venv2docker
