// Small but real images for unit tests: layers written by write_layer into a
// BlobStore, a config naming their diff_ids, a manifest naming all of them.
// Outputs made from them are checked by external_tools.h's check_image, the
// integration tests' validate_image.
#pragma once

#include <cstdint>
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
                 bool repeat_layer = false, MediaFamily family = MediaFamily::oci, bool with_history = true);

struct RandomImageOptions {
  std::uint32_t seed = 1;  // the same seed, the same image: a failure names its seed
  int layers = 2;
  int files_per_layer = 4;
  std::size_t max_file_size = 4096;
  MediaFamily family = MediaFamily::oci;
  std::string architecture = "amd64";
};

/// An image of random layers (folders, files of random bytes and modes, a
/// symlink, names with non-ASCII letters among them) and a config with an
/// environment, a label and history with an empty-layer entry between the
/// layers' ones, as `docker build` writes. Every blob is stored.
Image random_image(const BlobStore& store, const RandomImageOptions& options = {});

}  // namespace venv2docker::test
