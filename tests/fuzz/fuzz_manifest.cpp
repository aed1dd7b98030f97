// A manifest or an index as a registry, a layout or an archive serves it: its
// media type, then (an index) the platform choice and the walk down nested
// indexes, each nested document unavailable.
#include "fuzz_target.h"
#include "image/platform_choice.h"

using namespace venv2docker;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz::refusal_allowed([&] {
    ManifestDocument document = manifest_document(std::string(fuzz::as_text(data, size)), "", "fuzz manifest");
    const ManifestFetcher nothing_nested = [](const Descriptor& descriptor) -> ManifestDocument {
      throw Error("fuzz: no document " + descriptor.digest.str());
    };
    for (const char* platform : {"linux/amd64", "linux/arm64/v8", "linux/arm/v7"}) {
      (void)descend_to_image_manifest(document, Platform::parse(platform), nothing_nested, "fuzz manifest");
    }
  });
}
