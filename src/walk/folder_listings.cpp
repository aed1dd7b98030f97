#include "walk/folder_listings.h"

#include <iterator>
#include <system_error>

namespace venv2docker {

FolderListings::FolderListings(std::string source, const ExcludeRules& excludes, unsigned threads) {
  m_pending.push_back({nullptr, std::move(source), "", &m_root});
  std::thread helper;
  if (threads >= 2) {
    try {
      helper = std::thread([this, &excludes] {
        FolderReader reader(excludes);
        read_until_done(reader);
      });
    } catch (const std::system_error&) {
      // This thread alone reads the same folders.
    }
  }
  FolderReader reader(excludes);
  read_until_done(reader);
  if (helper.joinable()) helper.join();
}

// Reads pending folders until none is pending or being read. A reader never
// throws (FolderReader::read keeps what it finds in the listing).
void FolderListings::read_until_done(FolderReader& reader) {
  std::vector<PendingFolder> found;
  std::unique_lock lock(m_mutex);
  for (;;) {
    if (m_pending.empty()) {
      if (m_reading == 0) break;
      m_changed.wait(lock);
      continue;
    }
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
  m_changed.notify_all();
}

}  // namespace venv2docker
