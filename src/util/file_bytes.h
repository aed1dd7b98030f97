// Reading a whole (small) host file into memory: caches, memos, keyrings,
// credentials files. One read sized by fstat, not a stream copy.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace venv2docker {

/// The file's bytes, or std::nullopt when it cannot be opened or read.
std::optional<std::string> read_file_bytes(const std::filesystem::path& file);

}  // namespace venv2docker
