// Where apt gets packages from: the base image's sources.list and
// sources.list.d (one-line and deb822 forms), and --apt-source lines.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace venv2docker::debian {

struct AptSource {
  std::string uri;    // "http://deb.debian.org/debian", no trailing slash
  std::string suite;  // "bookworm"
  std::vector<std::string> components;  // "main", ...
  /// Keyrings that may sign this source (Signed-By): file paths, or one
  /// inline armored key block. Empty: the image's trusted keyrings.
  std::vector<std::string> signed_by;
  /// The keyring paths are on the host (--apt-source), not in the image.
  bool keyrings_on_host = false;
  /// [trusted=yes]: apt skips the signature check for this source.
  bool trusted = false;
  std::string origin;  // "/etc/apt/sources.list line 3", for messages

  /// "http://deb.debian.org/debian bookworm" for messages.
  std::string shown() const { return uri + " " + suite; }
};

/// The "deb" lines of a one-line sources.list (deb-src and other
/// architectures are left out). Throws Error naming `origin` and the line for
/// a malformed one.
std::vector<AptSource> parse_source_lines(std::string_view text, std::string_view origin, std::string_view arch);

/// The "deb" entries of a deb822 .sources file (Enabled: no and other
/// architectures left out).
std::vector<AptSource> parse_source_paragraphs(std::string_view text, std::string_view origin, std::string_view arch);

}  // namespace venv2docker::debian
