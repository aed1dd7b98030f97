// A base layer's tar byte stream (any dialect, any compression libarchive
// reads): its listing, kept as a cache record and read back from it, applied
// to a file index twice (two layers: whiteouts and links meet entries of a
// lower one), then the index's questions the checks and --apt ask.
#include <cstdlib>

#include "compat/compat_check.h"
#include "debian/apt_base_config.h"
#include "fuzz_target.h"
#include "layer/file_index.h"
#include "layer/layer_listing.h"

using namespace venv2docker;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const ContentSelection contents = [] {
    ContentSelection selection = checked_contents();
    selection.add(debian::apt_config_contents());
    return selection;
  }();
  const std::filesystem::path root = fuzz::scratch_folder() / "store";
  fuzz::refusal_allowed([&] {
    const BlobStore store(root);
    Digest digest = store.put(fuzz::as_text(data, size));
    LayerListing scanned = read_layer_listing(digest, contents, store);
    LayerListing recorded = read_layer_listing(digest, contents, store);
    if (recorded.size() != scanned.size()) std::abort();  // the record must give back what the scan found
    Image image;
    image.layers = {Layer{Descriptor{"", digest, size, {}, std::nullopt}, digest},
                    Layer{Descriptor{"", digest, size, {}, std::nullopt}, digest}};
    FileIndex index = FileIndex::of_image(image, contents, store);
    (void)find_interpreter(index, "3.11");
    (void)list_interpreters(index);
    (void)index.resolve("/usr/lib/x86_64-linux-gnu/libc.so.6");
    // What --apt reads of a base: its sources, keyrings and dpkg's files.
    debian::BaseAptConfig apt(index, "amd64");
    (void)apt.dpkg_status();
    (void)apt.excluded_by_dpkg("/usr/share/doc/x/README");
    (void)apt.managed_alternatives();
    for (const debian::AptSource& source : apt.sources()) (void)apt.keyrings_for(source);
  });
  std::error_code ignored;
  std::filesystem::remove_all(root, ignored);
  return 0;
}
