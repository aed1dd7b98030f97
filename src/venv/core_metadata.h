// A distribution's core metadata (METADATA in a .dist-info, PKG-INFO in an
// .egg-info): email-style "Name: value" headers up to the first blank line,
// where the description may begin. What the SBOM reads from it: name,
// version and license.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace venv2docker {

/// The largest METADATA read: the headers are a few KiB, but some projects
/// put their whole README in the description after them.
inline constexpr std::size_t k_max_core_metadata = std::size_t{16} << 20;

struct CoreMetadata {
  std::string name;
  std::string version;
  std::string license_expression;        // License-Expression (PEP 639): an SPDX expression
  std::string license;                   // License: free text, continuation lines joined by '\n'
  std::vector<std::string> classifiers;  // "License :: OSI Approved :: MIT License", ...
};

/// Reads the headers of `text`. A field may repeat (Classifier); a line that
/// starts with a blank continues the previous field; a line that is neither
/// ends the headers, as the description follows. Never throws: a damaged file
/// gives what could be read.
CoreMetadata parse_core_metadata(std::string_view text);

/// The metadata file of a site-packages entry: NAME.dist-info/METADATA,
/// NAME.egg-info/PKG-INFO or an NAME.egg-info file itself; nullopt when it
/// has none. Throws Error naming the file when it cannot be read or is larger
/// than k_max_core_metadata.
std::optional<CoreMetadata> read_core_metadata(const std::filesystem::path& metadata_entry);

}  // namespace venv2docker
