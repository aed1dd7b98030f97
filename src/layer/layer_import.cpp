#include "layer/layer_import.h"

#include <memory>
#include <optional>

#include "layer/background_listing.h"
#include "util/byte_source.h"
#include "util/error.h"

namespace venv2docker {

namespace {

// The chunk read from a layout's file: as large as the archive reader's, so
// each is handed to the listing thread whole.
constexpr std::size_t k_chunk = std::size_t{1} << 20;

bool is_cancelled(const ReadWatch& watch) { return watch.cancelled && watch.cancelled->load(std::memory_order_relaxed); }

class ListingTap : public ByteTap {
 public:
  ListingTap(const Descriptor& layer, const ContentSelection& contents, const BlobStore& store)
      : m_digest(layer.digest), m_contents(contents), m_store(store), m_listing(layer.digest, contents) {}

  void write(const char* data, std::size_t size) override { m_listing.write(data, size); }

  void verified() override {
    BackgroundListing::Outcome outcome = m_listing.finish();
    // Not listed (no readable tar): the file index reads the stored blob and reports why.
    if (outcome.listing) keep_layer_listing(m_digest, *outcome.listing, m_contents, m_store);
  }

 private:
  Digest m_digest;
  ContentSelection m_contents;
  const BlobStore& m_store;
  BackgroundListing m_listing;  // last: its thread starts once the rest is ready
};

}  // namespace

std::unique_ptr<ByteTap> listing_tap(const Descriptor& layer, const ContentSelection& contents, const BlobStore& store) {
  if (cached_layer_listing(layer.digest, contents, store)) return nullptr;
  return std::make_unique<ListingTap>(layer, contents, store);
}

LayerListing import_and_list_layer(const Descriptor& layer, const std::filesystem::path& file, const std::string& what,
                                   const ContentSelection& contents, const BlobStore& store, const ReadWatch& watch) {
  const std::string where = what + " (" + file.string() + ")";
  if (std::optional<LayerListing> cached = cached_layer_listing(layer.digest, contents, store)) {
    store.import_file(file, layer.digest, layer.size, what);
    return std::move(*cached);
  }
  // One byte more than the layer's size: a longer file is seen without reading all of it.
  FileByteSource bytes(file, layer.size + 1, what);
  BlobWriter out = store.writer();
  // This thread reads, hashes and stores; the listing inflates and lists on the other core.
  BackgroundListing listing(layer.digest, contents, watch);
  auto buffer = std::make_unique<char[]>(k_chunk);
  while (const std::size_t got = bytes.read(buffer.get(), k_chunk)) {
    if (is_cancelled(watch)) throw Error("reading " + where + " cancelled");
    out.write(buffer.get(), got);
    listing.write(buffer.get(), got);
  }
  BackgroundListing::Outcome outcome = listing.finish();
  out.commit(layer.digest, layer.size, where);
  // Reported only now that the bytes are known to be the layer's: wrong bytes
  // are the error to report, not what they made the tar reader say.
  if (outcome.failure) std::rethrow_exception(outcome.failure);
  keep_layer_listing(layer.digest, *outcome.listing, contents, store);
  return std::move(*outcome.listing);
}

}  // namespace venv2docker
