// What the dynamic loader needs to know about an ELF file: its class and
// machine, its interpreter, the libraries it needs, where it looks for them,
// and the symbol versions (GLIBC_2.x) it requires.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace venv2docker {

struct ElfInfo {
  bool is_64bit = true;
  bool little_endian = true;
  std::uint16_t machine = 0;       // e_machine: 62 x86_64, 183 aarch64, 3 i386, 40 arm
  std::optional<std::string> interpreter;  // PT_INTERP, e.g. /lib64/ld-linux-x86-64.so.2
  std::vector<std::string> needed;         // DT_NEEDED
  std::vector<std::string> rpath;          // DT_RPATH, split at ':'
  std::vector<std::string> runpath;        // DT_RUNPATH, split at ':'
  std::optional<std::string> soname;
  /// Version needs per library: ("libc.so.6", "GLIBC_2.14").
  std::vector<std::pair<std::string, std::string>> version_needs;
  /// Version definitions (a libc defines GLIBC_2.2.5 ... GLIBC_2.36).
  std::vector<std::string> version_definitions;
};

/// True when the file starts with the ELF magic (cheap; reads 4 bytes).
bool is_elf_file(const std::filesystem::path& file);

/// Whether a file may be a loadable ELF object, judged from its name and mode
/// alone: shared objects (".so", ".so.N") and executables. Lets callers skip
/// opening the thousands of data and source files of a venv.
bool may_be_elf(const std::string& name, std::uint32_t mode);

/// What a file holds, read as ELF: its information, nothing (it is not ELF),
/// or why it cannot be read (it starts as ELF but is truncated or malformed).
struct ElfReading {
  std::optional<ElfInfo> info;
  /// Set when the file starts with the ELF magic but cannot be read: a
  /// message naming the file and what is wrong, for a warning.
  std::optional<std::string> problem;
};

/// Parses ELF bytes held in memory (files read out of image layers); `name`
/// names them in the problem. Never throws but bad_alloc: every count and
/// offset the bytes state is checked against `size` and sane totals, so the
/// work is bounded by the size whatever the bytes.
ElfReading parse_elf(const unsigned char* data, std::size_t size, const std::string& name);

/// Parses `file` (mapped, then parse_elf). Throws Error naming the file only
/// when it cannot be opened or mapped.
ElfReading read_elf(const std::filesystem::path& file);

/// "x86_64", "aarch64"... for messages; the OCI architecture ("amd64", "arm64").
std::string elf_machine_name(std::uint16_t machine);
std::optional<std::string> elf_machine_oci_architecture(std::uint16_t machine);

}  // namespace venv2docker
