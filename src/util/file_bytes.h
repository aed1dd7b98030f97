// Reading a whole host file into memory: documents, caches, memos, keyrings,
// credentials, a venv's configuration and text files. One read sized by
// fstat, not a stream copy, and always bounded: every caller names the
// largest file that can be what it expects, so a wrong path (a disk image,
// /dev/zero) is an error naming the file rather than memory exhausted.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "util/unique_fd.h"

namespace venv2docker {

/// `file` opened for reading, close-on-exec as every descriptor of ours is (a
/// program we run must not inherit a blob or a credentials file). Owns
/// nothing, with errno set, when it cannot be opened.
UniqueFd open_for_reading(const std::filesystem::path& file);

/// At most the first `count` bytes of the file (its magic number), or
/// std::nullopt when it cannot be opened or read.
std::optional<std::string> read_file_head(const std::filesystem::path& file, std::size_t count);

/// Passes the file's bytes to `sink` a chunk at a time, and stops after
/// `limit` bytes (a caller that knows the size asks for one more, to see a
/// file that is too long without copying all of it). Returns how many bytes
/// it passed. Throws Error naming `what` and the file when it cannot read.
std::uint64_t stream_file(const std::filesystem::path& file, std::uint64_t limit,
                          const std::function<void(const char*, std::size_t)>& sink, std::string_view what);

/// The file's bytes, or std::nullopt when it cannot be opened or read.
/// Throws Error naming the file when it holds more than `max_size` bytes.
std::optional<std::string> read_file_bytes(const std::filesystem::path& file, std::size_t max_size);

/// The file's bytes. Throws Error naming the file (as "cannot read `what`
/// <file>: <reason>", with `hint`) when it cannot be opened or read, and when
/// it holds more than `max_size` bytes.
std::string read_whole_file(const std::filesystem::path& file, std::size_t max_size, std::string_view what,
                            std::string hint = {});

}  // namespace venv2docker
