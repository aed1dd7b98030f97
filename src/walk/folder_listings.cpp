#include "walk/folder_listings.h"

#include <iterator>
#include <system_error>

namespace venv2docker {

FolderListings::FolderListings(std::string source, const ExcludeRules& excludes, unsigned threads)
    : m_excludes(excludes), m_reader(excludes) {
  m_pending.push_back({nullptr, std::move(source), "", &m_root});
  if (threads < 2) return;
  try {
    m_helper = std::thread([this] { help(); });
  } catch (const std::system_error&) {
    // The asking thread alone reads the same folders, only later.
  }
}

FolderListings::~FolderListings() {
  if (!m_helper.joinable()) return;
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_changed.notify_all();
  m_helper.join();
}

const FolderListing& FolderListings::root() { return wait_for(m_root); }

const FolderListing& FolderListings::subfolder(const FolderListing& parent, std::size_t index) {
  return wait_for(parent.subfolders.at(index));
}

const FolderListing& FolderListings::wait_for(const std::unique_ptr<FolderListing>& slot) {
  std::unique_lock lock(m_mutex);
  while (!slot) {
    // Whatever is pending will be asked for soon: reading it beats waiting.
    if (m_pending.empty()) {
      m_changed.wait(lock);
    } else {
      read_one(lock, m_reader, m_found);
    }
  }
  return *slot;
}

// Reads the top pending folder, with `lock` released meanwhile. A reader
// never throws for what it finds (FolderReader::read keeps it in the listing).
void FolderListings::read_one(std::unique_lock<std::mutex>& lock, FolderReader& reader,
                              std::vector<PendingFolder>& found) {
  PendingFolder folder = std::move(m_pending.back());
  m_pending.pop_back();
  ++m_reading;
  lock.unlock();
  auto listing = std::make_unique<FolderListing>();
  reader.read(folder, *listing, found);
  // The parent's file descriptor is let go here, not under the lock.
  folder.parent.reset();
  lock.lock();
  *folder.listing = std::move(listing);
  m_pending.insert(m_pending.end(), std::make_move_iterator(found.rbegin()), std::make_move_iterator(found.rend()));
  found.clear();
  --m_reading;
  m_changed.notify_all();
}

// The helper reads until every folder is read, or the walk is dropped.
void FolderListings::help() {
  FolderReader reader(m_excludes);
  std::vector<PendingFolder> found;
  std::unique_lock lock(m_mutex);
  while (!m_stop) {
    if (!m_pending.empty()) {
      read_one(lock, reader, found);
    } else if (m_reading == 0) {
      return;
    } else {
      m_changed.wait(lock);
    }
  }
}

}  // namespace venv2docker
