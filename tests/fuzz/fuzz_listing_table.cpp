// A layer listing's packed entries (layer/listing_table.h), as the cache
// record of a base layer's listing holds them: a table that unpacks must pack
// back to the same bytes, so what the index is given is what was kept.
#include <cstdlib>

#include "fuzz_target.h"
#include "layer/listing_table.h"

using namespace venv2docker;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view table = fuzz::as_text(data, size);
  const std::optional<LayerListing> listing = unpack_listing(table);
  if (listing && pack_listing(*listing) != table) std::abort();
  return 0;
}
