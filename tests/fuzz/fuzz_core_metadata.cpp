// A distribution's METADATA as the SBOM reads it: the headers, then the
// license it declares (expression, text or classifiers).
#include "fuzz_target.h"
#include "sbom/python_license.h"
#include "venv/core_metadata.h"

using namespace venv2docker;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz::refusal_allowed([&] {
    const CoreMetadata metadata = parse_core_metadata(fuzz::as_text(data, size));
    (void)declared_license(metadata);
  });
}
