// Debian versions and relationship fields: the first line is a relation
// field, the second and third are versions. The order must be one (a
// comparison antisymmetric), and a relation must hold as its text reads.
#include <cstdlib>

#include "debian/relations.h"
#include "debian/version.h"
#include "fuzz_target.h"

using namespace venv2docker;
using namespace venv2docker::debian;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Plain names, not structured bindings: clang 14 cannot capture those in the lambda below.
  const auto lines = fuzz::split_once(fuzz::as_text(data, size), "\n");
  const std::string_view field = lines.first;
  const auto versions = fuzz::split_once(lines.second, "\n");
  const std::string_view a = versions.first, b = versions.second;
  const int forward = compare_versions(a, b);
  const int backward = compare_versions(b, a);
  if ((forward < 0) != (backward > 0) || (forward == 0) != (backward == 0)) std::abort();
  if (compare_versions(a, a) != 0) std::abort();
  (void)is_valid_version(a);
  fuzz::refusal_allowed([&] {
    for (const Alternatives& group : parse_relations(field, "amd64", "fuzz Depends")) {
      (void)alternatives_text(group);
      for (const Relation& relation : group) {
        (void)relation.allows(a);
        // What a relation prints, it reads back as.
        std::vector<Alternatives> again = parse_relations(relation.text(), "amd64", "fuzz relation text");
        if (again.size() != 1 || again[0].size() != 1 || !(again[0][0] == relation)) std::abort();
      }
    }
  });
  return 0;
}
