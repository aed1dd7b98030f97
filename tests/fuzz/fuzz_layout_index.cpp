// An OCI layout's index.json: tag lookup, platform choice, descriptors; every
// blob it names absent from the (empty) store.
#include "fuzz_target.h"
#include "image/layout_index.h"
#include "store/blob_store.h"
#include "util/reporter.h"

using namespace venv2docker;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const BlobStore store(fuzz::scratch_folder() / "store");
  static Reporter reporter(Verbosity::quiet);
  const BlobFetcher absent = [](const Descriptor& descriptor) { throw Error("fuzz: no blob " + descriptor.digest.str()); };
  std::string index(fuzz::as_text(data, size));
  for (const std::optional<std::string>& tag : {std::optional<std::string>(), std::optional<std::string>("latest")}) {
    fuzz::refusal_allowed([&] {
      (void)resolve_layout_image(index, tag, PlatformRequest{}, absent, absent, store, "fuzz layout", reporter);
    });
  }
  return 0;
}
