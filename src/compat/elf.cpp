#include "compat/elf.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <cstring>

#include "util/error.h"
#include "util/file_bytes.h"
#include "util/text_util.h"
#include "util/unique_fd.h"

namespace venv2docker {

namespace {

constexpr std::uint32_t k_pt_load = 1, k_pt_dynamic = 2, k_pt_interp = 3;
constexpr std::int64_t k_dt_null = 0, k_dt_needed = 1, k_dt_strtab = 5, k_dt_soname = 14, k_dt_rpath = 15,
                       k_dt_runpath = 29, k_dt_verdef = 0x6ffffffc, k_dt_verdefnum = 0x6ffffffd,
                       k_dt_verneed = 0x6ffffffe, k_dt_verneednum = 0x6fffffff;

// Bounds-checked reads of the file's fields in its own byte order and class.
class Reader {
 public:
  Reader(const unsigned char* data, std::size_t size, const std::string& name, bool is_64bit, bool little)
      : m_data(data), m_size(size), m_name(name), m_64(is_64bit), m_little(little) {}

  std::uint64_t unsigned_at(std::uint64_t offset, unsigned width) const {
    if (offset > m_size || width > m_size - offset) malformed();
    std::uint64_t value = 0;
    for (unsigned i = 0; i < width; ++i) {
      unsigned shift = m_little ? 8 * i : 8 * (width - 1 - i);
      value |= static_cast<std::uint64_t>(m_data[offset + i]) << shift;
    }
    return value;
  }
  std::uint16_t half(std::uint64_t offset) const { return static_cast<std::uint16_t>(unsigned_at(offset, 2)); }
  std::uint32_t word(std::uint64_t offset) const { return static_cast<std::uint32_t>(unsigned_at(offset, 4)); }
  std::uint64_t address(std::uint64_t offset) const { return unsigned_at(offset, m_64 ? 8 : 4); }
  std::string string_at(std::uint64_t offset) const {
    if (offset >= m_size) malformed();
    const char* start = reinterpret_cast<const char*>(m_data + offset);
    std::size_t length = strnlen(start, m_size - offset);
    if (offset + length >= m_size) malformed();
    return std::string(start, length);
  }
  bool is_64bit() const { return m_64; }
  [[noreturn]] void malformed() const {
    throw Error(m_name + " is a truncated or malformed ELF file", "reinstall the package that provides it");
  }

 private:
  const unsigned char* m_data;
  std::size_t m_size;
  const std::string& m_name;
  bool m_64;
  bool m_little;
};

struct Segment {
  std::uint64_t offset, vaddr, filesz;
};


}  // namespace

bool may_be_elf(const std::string& name, std::uint32_t mode) {
  return (mode & 0111) != 0 || name.ends_with(".so") || name.find(".so.") != std::string::npos;
}

bool is_elf_file(const std::filesystem::path& file) {
  const std::optional<std::string> magic = read_file_head(file, 4);
  return magic && *magic == std::string_view("\x7f" "ELF", 4);
}

std::optional<ElfInfo> parse_elf(const unsigned char* data, std::size_t size, const std::string& name) {
  if (size < 16 || std::memcmp(data, "\x7f" "ELF", 4) != 0) return std::nullopt;
  ElfInfo info;
  info.is_64bit = data[4] == 2;
  info.little_endian = data[5] == 1;
  Reader r(data, size, name, info.is_64bit, info.little_endian);
  info.machine = r.half(18);
  const bool w = info.is_64bit;
  std::uint64_t phoff = r.address(w ? 32 : 28);
  std::uint16_t phentsize = r.half(w ? 54 : 42);
  std::uint16_t phnum = r.half(w ? 56 : 44);

  std::vector<Segment> loads;
  std::optional<Segment> dynamic;
  for (std::uint16_t i = 0; i < phnum; ++i) {
    std::uint64_t ph = phoff + std::uint64_t{i} * phentsize;
    std::uint32_t type = r.word(ph);
    Segment segment = w ? Segment{r.address(ph + 8), r.address(ph + 16), r.address(ph + 32)}
                        : Segment{r.word(ph + 4), r.word(ph + 8), r.word(ph + 16)};
    if (type == k_pt_load) loads.push_back(segment);
    if (type == k_pt_dynamic) dynamic = segment;
    if (type == k_pt_interp) info.interpreter = r.string_at(segment.offset);
  }
  if (!dynamic) return info;  // static executable or object file

  // Dynamic entries hold virtual addresses; map them back to file offsets.
  auto file_offset = [&](std::uint64_t vaddr) -> std::uint64_t {
    for (const auto& load : loads) {
      if (vaddr >= load.vaddr && vaddr < load.vaddr + load.filesz) return vaddr - load.vaddr + load.offset;
    }
    r.malformed();
  };
  std::vector<std::pair<std::int64_t, std::uint64_t>> entries;
  std::uint64_t strtab = 0, verneed = 0, verneednum = 0, verdef = 0, verdefnum = 0;
  const unsigned entry_size = w ? 16 : 8;
  for (std::uint64_t at = dynamic->offset; at + entry_size <= dynamic->offset + dynamic->filesz; at += entry_size) {
    auto tag = static_cast<std::int64_t>(w ? r.address(at) : static_cast<std::int32_t>(r.word(at)));
    std::uint64_t value = r.address(at + (w ? 8 : 4));
    if (tag == k_dt_null) break;
    if (tag == k_dt_strtab) strtab = value;
    if (tag == k_dt_verneed) verneed = value;
    if (tag == k_dt_verneednum) verneednum = value;
    if (tag == k_dt_verdef) verdef = value;
    if (tag == k_dt_verdefnum) verdefnum = value;
    entries.emplace_back(tag, value);
  }
  if (strtab == 0) return info;
  std::uint64_t strings = file_offset(strtab);
  for (const auto& [tag, value] : entries) {
    if (tag == k_dt_needed) info.needed.push_back(r.string_at(strings + value));
    if (tag == k_dt_soname) info.soname = r.string_at(strings + value);
    if (tag == k_dt_rpath) info.rpath = split_nonempty(r.string_at(strings + value), ':');
    if (tag == k_dt_runpath) info.runpath = split_nonempty(r.string_at(strings + value), ':');
  }
  // Elf_Verneed: vn_version(2) vn_cnt(2) vn_file(4) vn_aux(4) vn_next(4);
  // Elf_Vernaux: vna_hash(4) vna_flags(2) vna_other(2) vna_name(4) vna_next(4).
  if (verneed != 0) {
    std::uint64_t at = file_offset(verneed);
    for (std::uint64_t n = 0; n < verneednum && n < 4096; ++n) {
      std::string library = r.string_at(strings + r.word(at + 4));
      std::uint64_t aux = at + r.word(at + 8);
      for (std::uint16_t k = 0, count = r.half(at + 2); k < count; ++k) {
        info.version_needs.emplace_back(library, r.string_at(strings + r.word(aux + 8)));
        aux += r.word(aux + 12);
      }
      std::uint32_t next = r.word(at + 12);
      if (next == 0) break;
      at += next;
    }
  }
  // Elf_Verdef: vd_version(2) vd_flags(2) vd_ndx(2) vd_cnt(2) vd_hash(4) vd_aux(4) vd_next(4);
  // Elf_Verdaux: vda_name(4) vda_next(4). The first aux names the version.
  if (verdef != 0) {
    std::uint64_t at = file_offset(verdef);
    for (std::uint64_t n = 0; n < verdefnum && n < 4096; ++n) {
      if (r.half(at + 6) > 0) info.version_definitions.push_back(r.string_at(strings + r.word(at + r.word(at + 12))));
      std::uint32_t next = r.word(at + 16);
      if (next == 0) break;
      at += next;
    }
  }
  return info;
}

std::optional<ElfInfo> read_elf(const std::filesystem::path& file) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw Error("cannot read " + file.string() + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || st.st_size < 16) return std::nullopt;
  auto size = static_cast<std::size_t>(st.st_size);
  void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
  fd.close();  // the mapping keeps the file
  if (mapped == MAP_FAILED) throw Error("cannot read " + file.string() + ": " + std::strerror(errno));
  struct Unmap {
    void* address;
    std::size_t size;
    ~Unmap() { ::munmap(address, size); }
  } unmap{mapped, size};
  return parse_elf(static_cast<const unsigned char*>(mapped), size, file.string());
}

std::string elf_machine_name(std::uint16_t machine) {
  switch (machine) {
    case 3: return "i386";
    case 40: return "arm";
    case 62: return "x86_64";
    case 183: return "aarch64";
    case 243: return "riscv64";
    case 21: return "ppc64";
    case 22: return "s390x";
    default: return "machine " + std::to_string(machine);
  }
}

std::optional<std::string> elf_machine_oci_architecture(std::uint16_t machine) {
  switch (machine) {
    case 3: return "386";
    case 40: return "arm";
    case 62: return "amd64";
    case 183: return "arm64";
    case 243: return "riscv64";
    case 21: return "ppc64le";
    case 22: return "s390x";
    default: return std::nullopt;
  }
}

}  // namespace venv2docker
