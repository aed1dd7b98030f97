// An image config under a manifest made for it (so the digest matches): the
// diff_ids against the layers, the platform check, the conversion to OCI.
#include "fuzz_target.h"
#include "image/image.h"
#include "image/oci_conversion.h"
#include "image/platform_choice.h"
#include "util/reporter.h"

using namespace venv2docker;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Reporter reporter(Verbosity::quiet);
  std::string config(fuzz::as_text(data, size));
  // No layers, and one: a config's diff_ids must count the manifest's layers.
  const Descriptor layer{std::string(media_type::oci_layer_gzip), sha256_of("layer"), 5, {}, std::nullopt};
  for (MediaFamily family : {MediaFamily::oci, MediaFamily::docker}) {
    for (const std::vector<Descriptor>& layers : {std::vector<Descriptor>{}, std::vector<Descriptor>{layer}}) {
      fuzz::refusal_allowed([&] {
        Image image = image_from_documents(image_manifest(family, config, layers), config, "fuzz config");
        check_base_platform(image, PlatformRequest{}, "fuzz config", reporter);
        check_base_platform(image, PlatformRequest::from_option("linux/arm64"), "fuzz config", reporter);
        (void)as_oci_image(image, "fuzz config");
      });
    }
  }
  return 0;
}
