#include "layer/background_listing.h"

#include "tar/archive_reader.h"

namespace venv2docker {

BackgroundListing::BackgroundListing(const Digest& layer, const ContentSelection& contents, const ReadWatch& watch)
    : m_what("layer " + layer.str() + " of the base image"),
      // The selection and watch are copied: the thread may outlive the caller's values.
      m_thread([this, contents, watch] { list(contents, watch); }) {}

BackgroundListing::~BackgroundListing() {
  if (!m_thread.joinable()) return;
  m_channel.abandon("the bytes of " + m_what + " stopped coming");
  m_thread.join();
}

void BackgroundListing::list(const ContentSelection& contents, const ReadWatch& watch) {
  try {
    ArchiveReader reader(m_channel, ArchiveFormat::tar, m_what);
    m_outcome.listing = list_members(reader, contents, watch);
  } catch (...) {
    // An error cannot leave this thread: finish() hands it over.
    m_outcome.failure = std::current_exception();
  }
  // The writer goes on (the bytes after a tar's end still count for the
  // digest) without waiting for a reader that reads no more.
  m_channel.stop_reading();
}

BackgroundListing::Outcome BackgroundListing::finish() {
  m_channel.close();
  m_thread.join();
  return std::move(m_outcome);
}

}  // namespace venv2docker
