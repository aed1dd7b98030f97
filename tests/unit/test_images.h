// Small but real images for unit tests: layers written by write_layer into a
// BlobStore, a config naming their diff_ids, a manifest naming all of them.
#pragma once

#include <filesystem>
#include <string>

#include "image/image.h"
#include "store/blob_store.h"

namespace venv2docker::test {

/// Writes `bytes` to `path`, making its folder.
void write_bytes(const std::filesystem::path& path, const std::string& bytes);

/// The whole of `path` (empty when it cannot be read).
std::string read_bytes(const std::filesystem::path& path);

/// An image of two gzip layers (/app/hello.txt holding `text`, and /app/run.sh
/// echoing it; with `repeat_layer` the first layer twice), `text` as a label,
/// with the manifest, config and layer media types of `family`. Its sources
/// are written under `scratch`; every blob is stored.
Image make_image(const BlobStore& store, const std::filesystem::path& scratch, const std::string& text,
                 bool repeat_layer = false, MediaFamily family = MediaFamily::oci);

}  // namespace venv2docker::test
