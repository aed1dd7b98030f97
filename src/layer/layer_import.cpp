#include "layer/layer_import.h"

#include <exception>
#include <memory>
#include <optional>

#include "tar/archive_reader.h"
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

}  // namespace

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
