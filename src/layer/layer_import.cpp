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

// Where a local layer's bytes go as they are read: into the store through a
// BlobWriter, or only through a hash; verified the same way either way.
class LayerBytes {
 public:
  LayerBytes(const BlobStore& store, LocalLayerUse use) {
    if (use == LocalLayerUse::stored) m_blob.emplace(store.writer());
  }

  void write(const char* data, std::size_t size) {
    if (m_blob) {
      m_blob->write(data, size);
      return;
    }
    m_hash.update(data, size);
    m_size += size;
  }

  void commit(const Descriptor& layer, const std::string& where) {
    if (m_blob) {
      m_blob->commit(layer.digest, layer.size, where);
    } else {
      require_blob_matches(m_hash.finish(), m_size, layer.digest, layer.size, where);
    }
  }

 private:
  std::optional<BlobWriter> m_blob;
  Sha256 m_hash;
  std::uint64_t m_size = 0;
};

}  // namespace

std::unique_ptr<ByteTap> listing_tap(const Descriptor& layer, const ContentSelection& contents, const BlobStore& store) {
  if (cached_layer_listing(layer.digest, contents, store)) return nullptr;
  return std::make_unique<ListingTap>(layer, contents, store);
}

LayerListing list_local_layer(const Descriptor& layer, const LayerFile& file, const ContentSelection& contents,
                              const BlobStore& store, LocalLayerUse use, const ReadWatch& watch) {
  const std::string where = file.what + " (" + file.path.string() + ")";
  if (std::optional<LayerListing> cached = cached_layer_listing(layer.digest, contents, store)) {
    if (use == LocalLayerUse::stored) store.import_file(file.path, layer.digest, layer.size, file.what);
    return std::move(*cached);
  }
  // One byte more than the layer's size: a longer file is seen without reading all of it.
  FileByteSource bytes(file.path, layer.size + 1, file.what);
  LayerBytes out(store, use);
  // This thread reads, hashes (and stores); the listing inflates and lists on the other core.
  BackgroundListing listing(layer.digest, contents, watch);
  auto buffer = std::make_unique<char[]>(k_chunk);
  while (const std::size_t got = bytes.read(buffer.get(), k_chunk)) {
    if (is_cancelled(watch)) throw Error("reading " + where + " cancelled");
    out.write(buffer.get(), got);
    listing.write(buffer.get(), got);
  }
  BackgroundListing::Outcome outcome = listing.finish();
  out.commit(layer, where);
  // Reported only now that the bytes are known to be the layer's: wrong bytes
  // are the error to report, not what they made the tar reader say.
  if (outcome.failure) std::rethrow_exception(outcome.failure);
  keep_layer_listing(layer.digest, *outcome.listing, contents, store);
  return std::move(*outcome.listing);
}

}  // namespace venv2docker
