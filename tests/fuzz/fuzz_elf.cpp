// ELF files of a venv or a base: class, machine, needed libraries, runpaths
// and symbol versions. parse_elf never throws: a malformed file is a problem
// the checks warn about, so any exception escaping here is a finding.
#include "compat/elf.h"
#include "fuzz_target.h"

using namespace venv2docker;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ElfReading reading = parse_elf(data, size, "fuzz.so");
  if (!reading.info) return 0;
  (void)elf_machine_name(reading.info->machine);
  (void)elf_machine_oci_architecture(reading.info->machine);
  return 0;
}
