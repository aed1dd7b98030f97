// Reading a whole host file into memory: documents, caches, memos, keyrings,
// credentials, a venv's configuration and text files. One read sized by
// fstat, not a stream copy, and always bounded: every caller names the
// largest file that can be what it expects, so a wrong path (a disk image,
// /dev/zero) is an error naming the file rather than memory exhausted.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace venv2docker {

/// The file's bytes, or std::nullopt when it cannot be opened or read.
/// Throws Error naming the file when it holds more than `max_size` bytes.
std::optional<std::string> read_file_bytes(const std::filesystem::path& file, std::size_t max_size);

/// The file's bytes. Throws Error naming the file (as "cannot read `what`
/// <file>: <reason>", with `hint`) when it cannot be opened or read, and when
/// it holds more than `max_size` bytes.
std::string read_whole_file(const std::filesystem::path& file, std::size_t max_size, std::string_view what,
                            std::string hint = {});

}  // namespace venv2docker
