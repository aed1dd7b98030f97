#include "crafted_elf.h"

#include <cstdint>
#include <cstring>

namespace venv2docker::test {

namespace {

constexpr std::size_t k_size = 0x10000, k_dynamic = 0x200, k_strtab = 0x1000, k_verneed = 0x2000, k_vernaux = 0x9000;
constexpr std::size_t k_needs = (k_vernaux - k_verneed) / 16, k_chain = (k_size - k_vernaux) / 16;

class Bytes {
 public:
  std::vector<unsigned char> data = std::vector<unsigned char>(k_size, 0);
  void put(std::size_t at, std::uint64_t value, unsigned width) {
    for (unsigned i = 0; i < width; ++i) data[at + i] = static_cast<unsigned char>(value >> (8 * i));
  }
};

}  // namespace

std::vector<unsigned char> version_needs_bomb(VernauxChain chain) {
  Bytes elf;
  std::memcpy(elf.data.data(), "\x7f" "ELF\x02\x01\x01", 7);  // 64-bit, little-endian, version 1
  elf.put(16, 3, 2);                                            // ET_DYN
  elf.put(18, 62, 2);                                           // x86_64
  elf.put(20, 1, 4);
  elf.put(32, 64, 8);  // e_phoff
  elf.put(52, 64, 2);  // e_ehsize
  elf.put(54, 56, 2);  // e_phentsize
  elf.put(56, 2, 2);   // e_phnum
  // PT_LOAD of the whole file at address 0, then PT_DYNAMIC.
  elf.put(64, 1, 4);
  elf.put(64 + 32, k_size, 8);
  elf.put(64 + 40, k_size, 8);
  elf.put(120, 2, 4);
  elf.put(120 + 8, k_dynamic, 8);
  elf.put(120 + 16, k_dynamic, 8);
  elf.put(120 + 32, 4 * 16, 8);
  const std::uint64_t dynamic[][2] = {{5, k_strtab}, {0x6ffffffe, k_verneed}, {0x6fffffff, k_needs}, {0, 0}};
  for (std::size_t i = 0; i < 4; ++i) {
    elf.put(k_dynamic + 16 * i, dynamic[i][0], 8);
    elf.put(k_dynamic + 16 * i + 8, dynamic[i][1], 8);
  }
  std::memcpy(elf.data.data() + k_strtab, "\0libc.so.6\0GLIBC_2.2.5", 23);
  for (std::size_t i = 0; i < k_needs; ++i) {
    const std::size_t at = k_verneed + 16 * i;
    elf.put(at, 1, 2);                     // vn_version
    elf.put(at + 2, 0xffff, 2);            // vn_cnt
    elf.put(at + 4, 1, 4);                 // vn_file: "libc.so.6"
    elf.put(at + 8, k_vernaux - at, 4);    // vn_aux: the shared chain
    elf.put(at + 12, i + 1 < k_needs ? 16 : 0, 4);  // vn_next
  }
  const std::size_t chain_length = chain == VernauxChain::shared ? k_chain : 1;
  for (std::size_t i = 0; i < chain_length; ++i) {
    const std::size_t at = k_vernaux + 16 * i;
    elf.put(at + 8, 11, 4);  // vna_name: "GLIBC_2.2.5"
    elf.put(at + 12, i + 1 < chain_length ? 16 : 0, 4);  // vna_next
  }
  return std::move(elf.data);
}

}  // namespace venv2docker::test
