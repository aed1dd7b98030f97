// ELF files of a venv or a base: class, machine, needed libraries, runpaths
// and symbol versions.
#include "compat/elf.h"
#include "fuzz_target.h"

using namespace venv2docker;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz::refusal_allowed([&] {
    std::optional<ElfInfo> info = parse_elf(data, size, "fuzz.so");
    if (!info) return;
    (void)elf_machine_name(info->machine);
    (void)elf_machine_oci_architecture(info->machine);
  });
}
