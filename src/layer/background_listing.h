// A base layer's tar listed on a thread of its own from bytes another thread
// hands it as it reads or downloads them: inflating and listing a layer take
// one core while the other reads, hashes and stores the compressed bytes, so
// a base is read at the pace of the slower half rather than of both in turn.
// The bytes pass through a bounded ByteChannel: a layer is never held in memory.
#pragma once

#include <cstddef>
#include <exception>
#include <optional>
#include <string>
#include <thread>

#include "layer/content_selection.h"
#include "layer/file_index.h"
#include "layer/layer_listing.h"
#include "store/digest.h"
#include "util/byte_channel.h"

namespace venv2docker {

class BackgroundListing {
 public:
  /// What the listing thread made of the bytes: the listing, or the error
  /// that stopped it (carried across the thread, for the caller to report
  /// or ignore once it knows whether the bytes were the layer's).
  struct Outcome {
    std::optional<LayerListing> listing;
    std::exception_ptr failure;
  };

  /// Starts listing layer `layer` (named so in errors) with the bytes of the
  /// files `contents` selects; `watch` is honoured as list_members does.
  BackgroundListing(const Digest& layer, const ContentSelection& contents, const ReadWatch& watch = {});
  /// Without finish(): the bytes stopped coming (an error, a failed download);
  /// the thread is told so and joined, and what it listed is dropped.
  ~BackgroundListing();
  BackgroundListing(const BackgroundListing&) = delete;
  BackgroundListing& operator=(const BackgroundListing&) = delete;

  /// The next bytes of the layer, in order; waits while the channel is full,
  /// returns at once when the listing has stopped (its tar ended, or failed).
  void write(const char* data, std::size_t size) { m_channel.write(data, size); }
  /// Every byte was written: waits for the listing thread and returns its outcome.
  Outcome finish();

 private:
  void list(const ContentSelection& contents, const ReadWatch& watch);

  std::string m_what;
  ByteChannel m_channel;
  Outcome m_outcome;
  std::thread m_thread;  // last: it starts once the rest is ready
};

}  // namespace venv2docker
