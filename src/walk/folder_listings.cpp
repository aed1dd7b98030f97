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
    // The walk's thread alone reads the same folders, only later.
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

FolderListing& FolderListings::root() { return wait_for(m_root); }

FolderListing& FolderListings::subfolder(FolderListing& parent, std::size_t index) {
  return wait_for(parent.subfolders.at(index));
}

void FolderListings::done_with(FolderListing& parent, std::size_t index) {
  std::lock_guard lock(m_mutex);
  m_spares.push_back(std::move(parent.subfolders.at(index)));
}

FolderListing& FolderListings::wait_for(std::unique_ptr<FolderListing>& slot) {
  std::unique_lock lock(m_mutex);
  // Whatever is pending will be asked for soon: reading it beats waiting.
  while (!slot) read_or_wait(lock, m_reader, m_found);
  return *slot;
}

// Reads the top pending folder, with `lock` released meanwhile; when none is
// pending, waits for a change (a folder read, or the end of the walk).
void FolderListings::read_or_wait(std::unique_lock<std::mutex>& lock, FolderReader& reader,
                                  std::vector<PendingFolder>& found) {
  if (m_pending.empty()) {
    m_changed.wait(lock);
    return;
  }
  PendingFolder folder = std::move(m_pending.back());
  m_pending.pop_back();
  if (m_spares.empty()) m_spares.push_back(std::make_unique<FolderListing>());
  std::unique_ptr<FolderListing> listing = std::move(m_spares.back());
  m_spares.pop_back();
  lock.unlock();
  reader.read(folder, *listing, found);
  lock.lock();
  *folder.listing = std::move(listing);
  m_pending.insert(m_pending.end(), std::make_move_iterator(found.rbegin()), std::make_move_iterator(found.rend()));
  found.clear();
  m_changed.notify_all();
}

void FolderListings::help() {
  FolderReader reader(m_excludes);
  std::vector<PendingFolder> found;
  std::unique_lock lock(m_mutex);
  while (!m_stop) read_or_wait(lock, reader, found);
}

}  // namespace venv2docker
