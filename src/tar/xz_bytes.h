// Bytes compressed as one xz stream, over libarchive (as the archive reader
// reads them back: ArchiveFormat::raw). For small documents many runners
// download, where xz's ratio matters more than gzip's speed.
#pragma once

#include <string>
#include <string_view>

namespace venv2docker {

/// `bytes` as an xz stream (xz's default preset: its 8 MiB dictionary covers
/// the documents it is used for). Throws Error when libarchive fails.
std::string xz_compressed(std::string_view bytes);

}  // namespace venv2docker
