// Which files of an image keep their bytes in its file index, besides every
// file's name, kind and mode. The index is generic: the readers say what they
// read (compat_check.h: the loader's configuration and the C library;
// apt_base_config.h: apt's and dpkg's files), and a layer's cached listing
// remembers the selection it was made with (layer_listing.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace venv2docker {

/// The most bytes one selected file may hold: it is read into memory.
inline constexpr std::uint64_t k_max_selected_file = std::uint64_t{16} << 20;
/// The most bytes the selected files of an image may hold in all, and so of
/// any one layer: configuration and a C library or two are a few MiB; the
/// bound per file alone would let many files take gigabytes.
inline constexpr std::uint64_t k_max_selected_bytes = std::uint64_t{64} << 20;

class ContentSelection {
 public:
  ContentSelection() = default;
  /// Patterns over image paths in which '*' matches any run of characters,
  /// '/' included: "/etc/apt/*" is everything under /etc/apt, "*/libc.so.6"
  /// that name in any folder. Anything else matches itself.
  explicit ContentSelection(std::vector<std::string> patterns);

  /// This selection and `other`'s patterns (duplicates dropped).
  ContentSelection& add(const ContentSelection& other);
  /// True when the index keeps the bytes of the file at `path` (an image
  /// path, "/etc/ld.so.conf") of `size` bytes: a pattern matches and the file
  /// is small enough to hold in memory (k_max_selected_file).
  bool selects(const std::string& path, std::uint64_t size) const;
  /// The patterns in the order they were given: what a cached listing compares.
  const std::vector<std::string>& patterns() const { return m_patterns; }

 private:
  std::vector<std::string> m_patterns;
};

}  // namespace venv2docker
