// A venv's pyvenv.cfg, read by open_venv in a venv with two lib/python3.X
// folders (so the version it names picks one), and the system-site switch.
#include <fstream>

#include "compat/system_site_packages.h"
#include "fuzz_target.h"
#include "venv/venv.h"

using namespace venv2docker;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path venv = [] {
    std::filesystem::path root = fuzz::scratch_folder() / "venv";
    for (const char* lib : {"lib/python3.11/site-packages", "lib/python3.12/site-packages"}) {
      std::filesystem::create_directories(root / lib);
    }
    return root;
  }();
  std::ofstream(venv / "pyvenv.cfg", std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return fuzz::refusal_allowed([&] {
    Venv opened = open_venv(venv);
    (void)opened.python_tag();
    (void)includes_system_site_packages(opened);
  });
}
