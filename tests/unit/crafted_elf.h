// Hostile ELF files made byte by byte, for the reader's bounds.
#pragma once

#include <vector>

namespace venv2docker::test {

enum class VernauxChain {
  /// Every version need points at one shared chain of 1792 versions.
  shared,
  /// Every version need points at a chain of one version (vna_next 0).
  one_each,
};

/// A 64 KiB x86_64 shared object whose only content is its version needs:
/// 1792 of them (libc.so.6), each claiming 65535 versions (vn_cnt), all of
/// GLIBC_2.2.5, arranged as `chain` says. tests/integration/crafted_elf.py
/// makes the same file.
std::vector<unsigned char> version_needs_bomb(VernauxChain chain = VernauxChain::shared);

}  // namespace venv2docker::test
