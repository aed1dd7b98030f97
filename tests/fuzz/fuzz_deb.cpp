// A .deb as a mirror serves it: the ar archive, then control.tar (the control
// file as a package, the postinst as the alternatives it installs, dpkg's
// database entries), then data.tar unpacked into the store and read back
// from its record.
#include "debian/deb822.h"
#include "debian/deb_file.h"
#include "debian/dpkg_database.h"
#include "debian/maintainer_scripts.h"
#include "debian/package.h"
#include "fuzz_target.h"

using namespace venv2docker;
using namespace venv2docker::debian;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::filesystem::path root = fuzz::scratch_folder() / "store";
  fuzz::refusal_allowed([&] {
    const BlobStore store(root);
    Digest digest = store.put(fuzz::as_text(data, size));
    UnpackedDeb deb = unpack_deb(digest, store, "fuzz.deb");
    (void)unpack_deb(digest, store, "fuzz.deb");
    std::vector<Paragraph> control = parse_deb822(deb.control_files.at("control"), "fuzz.deb control");
    if (control.empty()) return;
    (void)package_from_paragraph(control.front(), "amd64", "fuzz.deb");
    std::vector<std::string> skipped;
    if (auto postinst = deb.control_files.find("postinst"); postinst != deb.control_files.end()) {
      (void)alternatives_entries(analyse_postinst(postinst->second).alternatives, {}, skipped);
    }
    InstalledPackage installed{control.front(), deb.control_files, {}};
    for (const LayerEntry& entry : deb.entries) installed.paths.push_back(entry.path);
    (void)dpkg_database_entries("", {installed});
  });
  std::error_code ignored;
  std::filesystem::remove_all(root, ignored);
  return 0;
}
