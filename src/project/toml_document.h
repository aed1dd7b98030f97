// pyproject.toml as a TOML document: parsed by toml++ once, its syntax errors
// named by file, line and column. Shared by the readers of its tables.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string_view>

#include <toml++/toml.h>

namespace venv2docker {

// Far above any real pyproject.toml; a bound on what a folder we are pointed
// at can make us read and parse.
inline constexpr std::size_t k_max_pyproject = std::size_t{4} << 20;

/// `text` parsed; `file` names it in errors. Throws Error naming the file,
/// line and column when it is no TOML.
toml::table parse_toml_document(std::string_view text, const std::filesystem::path& file);

}  // namespace venv2docker
