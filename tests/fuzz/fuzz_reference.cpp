// Image references (--base, -n, registry answers): parse, print, parse again.
#include <cstdlib>

#include "fuzz_target.h"
#include "image/reference.h"

using namespace venv2docker;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz::refusal_allowed([&] {
    std::optional<Reference> reference = Reference::parse(fuzz::as_text(data, size));
    if (!reference) return;
    (void)reference->api_host();
    (void)reference->familiar();
    (void)reference->tag_or_latest();
    // A normalised reference reads back as itself.
    std::optional<Reference> again = Reference::parse(reference->full());
    if (!again || again->full() != reference->full()) std::abort();
  });
}
