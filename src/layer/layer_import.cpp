#include "layer/layer_import.h"

#include <exception>
#include <memory>
#include <optional>
#include <thread>

#include "tar/archive_reader.h"
#include "util/byte_channel.h"
#include "util/byte_source.h"
#include "util/error.h"

namespace venv2docker {

namespace {

// The file's bytes as the archive reader pulls them, each also written to the
// store's writer (which hashes it); drain() passes on what the reader left
// (the padding after a tar's end), since the digest is of every byte.
class StoringSource : public ByteSource {
 public:
  StoringSource(ByteSource& source, BlobWriter& out) : m_source(source), m_out(out) {}

  std::size_t read(char* buffer, std::size_t capacity) override {
    const std::size_t got = m_source.read(buffer, capacity);
    m_out.write(buffer, got);
    return got;
  }

  void drain() {
    auto buffer = std::make_unique<char[]>(k_chunk);
    while (read(buffer.get(), k_chunk) > 0) {
    }
  }

 private:
  static constexpr std::size_t k_chunk = std::size_t{1} << 20;
  ByteSource& m_source;
  BlobWriter& m_out;
};

class ListingTap : public ByteTap {
 public:
  ListingTap(const Descriptor& layer, const ContentSelection& contents, const BlobStore& store)
      : m_digest(layer.digest), m_contents(contents), m_store(store), m_thread([this] { list(); }) {}

  ~ListingTap() override {
    if (!m_thread.joinable()) return;
    m_channel.abandon("the download of layer " + m_digest.str() + " stopped");
    m_thread.join();
  }

  void write(const char* data, std::size_t size) override { m_channel.write(data, size); }

  void verified() override {
    m_channel.close();
    m_thread.join();
    if (m_listing) keep_layer_listing(m_digest, *m_listing, m_contents, m_store);
  }

 private:
  void list() {
    try {
      ArchiveReader reader(m_channel, ArchiveFormat::tar, "layer " + m_digest.str() + " of the base image");
      m_listing = list_members(reader, m_contents, {});
    } catch (const std::exception&) {
      // Not listed here (an error cannot leave this thread): the file index
      // reads the stored blob and reports why.
    }
    m_channel.stop_reading();  // the download goes on without waiting for us
  }

  Digest m_digest;
  ContentSelection m_contents;
  const BlobStore& m_store;
  ByteChannel m_channel;
  std::optional<LayerListing> m_listing;
  std::thread m_thread;  // last: it starts once the rest is ready
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
  StoringSource storing(bytes, out);
  std::optional<LayerListing> listing;
  std::exception_ptr unreadable;
  try {
    ArchiveReader reader(storing, ArchiveFormat::tar, "layer " + layer.digest.str() + " of the base image");
    listing = list_members(reader, contents, watch);
  } catch (const Error&) {
    // Held until the bytes are known to be the layer's: wrong bytes are the
    // error to report then, not what they made the tar reader say.
    if (watch.cancelled && watch.cancelled->load(std::memory_order_relaxed)) throw;
    unreadable = std::current_exception();
  }
  storing.drain();
  out.commit(layer.digest, layer.size, where);
  if (unreadable) std::rethrow_exception(unreadable);
  keep_layer_listing(layer.digest, *listing, contents, store);
  return std::move(*listing);
}

}  // namespace venv2docker
