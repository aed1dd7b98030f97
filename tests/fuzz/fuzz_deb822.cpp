// Debian's control-file format as the archives and the base serve it: a
// Release file, a Packages index, dpkg's status, a .sources file and a
// one-line sources.list (the same bytes each time).
#include "debian/apt_sources.h"
#include "debian/deb822.h"
#include "debian/package.h"
#include "debian/release_file.h"
#include "fuzz_target.h"

using namespace venv2docker;
using namespace venv2docker::debian;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  fuzz::refusal_allowed([&] {
    for (const Paragraph& paragraph : parse_deb822(text, "fuzz")) {
      for (const Field& field : paragraph.fields()) (void)value_lines(field.value);
      (void)paragraph.text();
    }
  });
  fuzz::refusal_allowed([&] {
    ReleaseFile release = parse_release(text, "fuzz Release");
    (void)release_is_for_suite(release, "bookworm/updates");
  });
  fuzz::refusal_allowed([&] { (void)parse_packages_index(text, "amd64", "fuzz Packages"); });
  fuzz::refusal_allowed([&] { (void)parse_dpkg_status(text, "amd64", "fuzz status"); });
  fuzz::refusal_allowed([&] { (void)parse_source_paragraphs(text, "fuzz.sources", "amd64"); });
  fuzz::refusal_allowed([&] { (void)parse_source_lines(text, "fuzz sources.list", "amd64"); });
  return 0;
}
