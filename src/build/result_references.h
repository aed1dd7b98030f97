// What a build tells scripts: the reference of each output with its digest
// (one line each on stdout, as crane and ko print them), and the files
// docker build --iidfile and buildx --metadata-file write.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "build/build.h"

namespace venv2docker {

/// One reference per output, in the order written: NAME@sha256:... for a push
/// (the repository without its tag, pinned by the pushed digest),
/// oci:DIR:TAG@sha256:... and docker-archive:FILE@sha256:... (the manifest's
/// digest, paths absolute), and NAME:TAG for --load (what docker run takes).
std::vector<std::string> output_references(const BuildResult& result);

/// The image ID --iidfile writes: the config's digest, as docker build writes
/// it. Several platforms have no one config; buildx then writes the index's
/// digest, and so does this.
std::string image_id(const BuildResult& result);

/// buildx's --metadata-file keys: containerimage.digest (the manifest's, or the
/// index's with several platforms), containerimage.config.digest (one
/// platform only, as buildx), containerimage.descriptor and image.name (the
/// names given, comma-separated).
nlohmann::json build_metadata(const BuildResult& result);

/// Writes `text` to `file` atomically (whole or not at all). Throws Error
/// naming `flag` and the file.
void write_result_file(const std::filesystem::path& file, const std::string& text, const std::string& flag);

}  // namespace venv2docker
