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

// Every count an ELF file states is bounded by what the file could hold, and
// by this: e_phnum is 16 bits, and the largest real libraries have a few
// hundred dynamic entries, version needs or definitions. A file claiming more
// is malformed, and the bound keeps what one file costs small.
constexpr std::uint64_t k_max_table_entries = std::uint64_t{1} << 16;
// Far above all the names of a real file (libc's version names, the most
// there are, take a few KiB): bounds the bytes a crafted file can make us copy
// when many entries name one long string.
constexpr std::uint64_t k_max_string_bytes = std::uint64_t{16} << 20;

// Bounds-checked reads of the file's fields in its own byte order and class.
// A read out of bounds gives 0 (or "") and marks the reader failed, with the
// first reason kept; the parse stops at its next check of ok(). A failed read
// is the file's fault, not ours: a value, not an exception.
class Reader {
 public:
  Reader(const unsigned char* data, std::size_t size, bool is_64bit, bool little)
      : m_data(data), m_size(size), m_64(is_64bit), m_little(little) {}

  std::uint64_t unsigned_at(std::uint64_t offset, unsigned width) {
    if (offset > m_size || width > m_size - offset) {
      fail("a field at offset " + std::to_string(offset) + " is past its end");
      return 0;
    }
    std::uint64_t value = 0;
    for (unsigned i = 0; i < width; ++i) {
      unsigned shift = m_little ? 8 * i : 8 * (width - 1 - i);
      value |= static_cast<std::uint64_t>(m_data[offset + i]) << shift;
    }
    return value;
  }
  std::uint16_t half(std::uint64_t offset) { return static_cast<std::uint16_t>(unsigned_at(offset, 2)); }
  std::uint32_t word(std::uint64_t offset) { return static_cast<std::uint32_t>(unsigned_at(offset, 4)); }
  std::uint64_t address(std::uint64_t offset) { return unsigned_at(offset, m_64 ? 8 : 4); }
  std::string string_at(std::uint64_t offset) {
    if (offset >= m_size) {
      fail("a string at offset " + std::to_string(offset) + " is past its end");
      return {};
    }
    const char* start = reinterpret_cast<const char*>(m_data + offset);
    const std::size_t length = strnlen(start, m_size - offset);
    if (offset + length >= m_size) {
      fail("a string at offset " + std::to_string(offset) + " runs past its end");
      return {};
    }
    m_string_bytes += length;
    if (m_string_bytes > k_max_string_bytes) {
      fail("its names add up to more than " + std::to_string(k_max_string_bytes >> 20) + " MiB");
      return {};
    }
    return std::string(start, length);
  }
  /// Whether `count` table entries of `entry_size` bytes are a sane number.
  bool plausible_count(std::uint64_t count, std::uint64_t entry_size, const char* table) {
    if (count <= k_max_table_entries && count <= m_size / entry_size) return true;
    fail(std::string("it claims ") + std::to_string(count) + " " + table + ", more than it could hold");
    return false;
  }
  void fail(std::string reason) {
    if (m_failure.empty()) m_failure = std::move(reason);
  }
  bool ok() const { return m_failure.empty(); }
  const std::string& failure() const { return m_failure; }
  std::size_t size() const { return m_size; }

 private:
  const unsigned char* m_data;
  std::size_t m_size;
  bool m_64;
  bool m_little;
  std::uint64_t m_string_bytes = 0;
  std::string m_failure;
};

struct Segment {
  std::uint64_t offset, vaddr, filesz;
};

struct Segments {
  std::vector<Segment> loads;
  std::optional<Segment> dynamic;

  // Dynamic entries hold virtual addresses; maps one back to a file offset.
  std::uint64_t file_offset(std::uint64_t vaddr, Reader& r) const {
    for (const auto& load : loads) {
      if (vaddr >= load.vaddr && vaddr - load.vaddr < load.filesz) return vaddr - load.vaddr + load.offset;
    }
    r.fail("the address " + std::to_string(vaddr) + " is in no loaded segment");
    return 0;
  }
};

Segments read_segments(Reader& r, ElfInfo& info) {
  const bool w = info.is_64bit;
  const std::uint64_t phoff = r.address(w ? 32 : 28);
  const std::uint16_t phentsize = r.half(w ? 54 : 42);
  const std::uint16_t phnum = r.half(w ? 56 : 44);
  Segments segments;
  if (phnum == 0 || !r.ok()) return segments;
  if (phentsize < (w ? 56 : 32) || !r.plausible_count(phnum, phentsize, "program headers")) {
    r.fail("its program headers are " + std::to_string(phentsize) + " bytes each");
    return segments;
  }
  for (std::uint16_t i = 0; i < phnum && r.ok(); ++i) {
    const std::uint64_t ph = phoff + std::uint64_t{i} * phentsize;
    const std::uint32_t type = r.word(ph);
    const Segment segment = w ? Segment{r.address(ph + 8), r.address(ph + 16), r.address(ph + 32)}
                              : Segment{r.word(ph + 4), r.word(ph + 8), r.word(ph + 16)};
    if (type == k_pt_load) segments.loads.push_back(segment);
    if (type == k_pt_dynamic) segments.dynamic = segment;
    if (type == k_pt_interp) info.interpreter = r.string_at(segment.offset);
  }
  return segments;
}

struct DynamicTable {
  std::vector<std::pair<std::int64_t, std::uint64_t>> entries;
  std::uint64_t strtab = 0, verneed = 0, verneednum = 0, verdef = 0, verdefnum = 0;
};

DynamicTable read_dynamic(Reader& r, const Segment& dynamic, bool w) {
  DynamicTable table;
  const unsigned entry_size = w ? 16 : 8;
  const std::uint64_t end = dynamic.filesz > r.size() ? r.size() : dynamic.filesz;
  for (std::uint64_t at = dynamic.offset; at - dynamic.offset + entry_size <= end && r.ok(); at += entry_size) {
    const auto tag = static_cast<std::int64_t>(w ? r.address(at) : static_cast<std::int32_t>(r.word(at)));
    const std::uint64_t value = r.address(at + (w ? 8 : 4));
    if (tag == k_dt_null) break;
    if (tag == k_dt_strtab) table.strtab = value;
    if (tag == k_dt_verneed) table.verneed = value;
    if (tag == k_dt_verneednum) table.verneednum = value;
    if (tag == k_dt_verdef) table.verdef = value;
    if (tag == k_dt_verdefnum) table.verdefnum = value;
    table.entries.emplace_back(tag, value);
    if (!r.plausible_count(table.entries.size(), entry_size, "dynamic entries")) break;
  }
  return table;
}

// Elf_Verneed: vn_version(2) vn_cnt(2) vn_file(4) vn_aux(4) vn_next(4);
// Elf_Vernaux: vna_hash(4) vna_flags(2) vna_other(2) vna_name(4) vna_next(4).
// As glibc's loader does, a zero vn_next or vna_next ends its list whatever
// the counts say; the counts bound it too. Every other link points forward,
// and each pair is one 16-byte Vernaux, so the pairs are bounded by the size.
void read_version_needs(Reader& r, std::uint64_t at, std::uint64_t count, std::uint64_t strings, ElfInfo& info) {
  constexpr std::uint64_t k_record_size = 16;
  if (!r.plausible_count(count, k_record_size, "version needs")) return;
  for (std::uint64_t n = 0; n < count && r.ok(); ++n) {
    const std::string library = r.string_at(strings + r.word(at + 4));
    std::uint64_t aux = at + r.word(at + 8);
    for (std::uint16_t k = 0, versions = r.half(at + 2); k < versions && r.ok(); ++k) {
      info.version_needs.emplace_back(library, r.string_at(strings + r.word(aux + 8)));
      if (!r.plausible_count(info.version_needs.size(), k_record_size, "needed versions")) return;
      const std::uint32_t next = r.word(aux + 12);
      if (next == 0) break;
      aux += next;
    }
    const std::uint32_t next = r.word(at + 12);
    if (next == 0) break;
    at += next;
  }
}

// Elf_Verdef: vd_version(2) vd_flags(2) vd_ndx(2) vd_cnt(2) vd_hash(4) vd_aux(4) vd_next(4);
// Elf_Verdaux: vda_name(4) vda_next(4). The first aux names the version.
void read_version_definitions(Reader& r, std::uint64_t at, std::uint64_t count, std::uint64_t strings,
                              ElfInfo& info) {
  constexpr std::uint64_t k_record_size = 20;
  if (!r.plausible_count(count, k_record_size, "version definitions")) return;
  for (std::uint64_t n = 0; n < count && r.ok(); ++n) {
    if (r.half(at + 6) > 0) info.version_definitions.push_back(r.string_at(strings + r.word(at + r.word(at + 12))));
    const std::uint32_t next = r.word(at + 16);
    if (next == 0) break;
    at += next;
  }
}

void read_dynamic_strings(Reader& r, const DynamicTable& table, const Segments& segments, ElfInfo& info) {
  const std::uint64_t strings = segments.file_offset(table.strtab, r);
  for (const auto& [tag, value] : table.entries) {
    if (!r.ok()) return;
    if (tag == k_dt_needed) info.needed.push_back(r.string_at(strings + value));
    if (tag == k_dt_soname) info.soname = r.string_at(strings + value);
    if (tag == k_dt_rpath) info.rpath = split_nonempty(r.string_at(strings + value), ':');
    if (tag == k_dt_runpath) info.runpath = split_nonempty(r.string_at(strings + value), ':');
  }
  if (table.verneed != 0 && r.ok()) {
    read_version_needs(r, segments.file_offset(table.verneed, r), table.verneednum, strings, info);
  }
  if (table.verdef != 0 && r.ok()) {
    read_version_definitions(r, segments.file_offset(table.verdef, r), table.verdefnum, strings, info);
  }
}

}  // namespace

bool may_be_elf(const std::string& name, std::uint32_t mode) {
  return (mode & 0111) != 0 || name.ends_with(".so") || name.find(".so.") != std::string::npos;
}

bool is_elf_file(const std::filesystem::path& file) {
  const std::optional<std::string> magic = read_file_head(file, 4);
  return magic && *magic == std::string_view("\x7f" "ELF", 4);
}

ElfReading parse_elf(const unsigned char* data, std::size_t size, const std::string& name) {
  ElfReading reading;
  if (size < 4 || std::memcmp(data, "\x7f" "ELF", 4) != 0) return reading;
  ElfInfo info;
  info.is_64bit = size > 4 && data[4] == 2;
  info.little_endian = size > 5 && data[5] == 1;
  Reader r(data, size, info.is_64bit, info.little_endian);
  info.machine = r.half(18);
  const Segments segments = read_segments(r, info);
  if (r.ok() && segments.dynamic) {  // else a static executable or an object file
    const DynamicTable table = read_dynamic(r, *segments.dynamic, info.is_64bit);
    if (r.ok() && table.strtab != 0) read_dynamic_strings(r, table, segments, info);
  }
  if (r.ok()) {
    reading.info = std::move(info);
  } else {
    reading.problem = name + " is a truncated or malformed ELF file (" + r.failure() + ")";
  }
  return reading;
}

ElfReading read_elf(const std::filesystem::path& file) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw Error("cannot read " + file.string() + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw Error("cannot read " + file.string() + ": " + std::strerror(errno));
  if (st.st_size == 0) return {};
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
