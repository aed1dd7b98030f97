// The build folder (--build-dir, else .venv2docker) is venv2docker's only when
// venv2docker made it: it then holds a marker file, and --clean removes only a
// folder that holds one. A folder the user named that already existed (".",
// their home, another project's folder) is written into but never removed.
#pragma once

#include <filesystem>

namespace venv2docker {

/// The marker's name inside a build folder venv2docker made.
inline constexpr const char* k_build_folder_marker = ".venv2docker-build-folder";

/// Makes `folder` (and the folders above it) with its marker when it does
/// not exist yet; an existing folder is left as it is, unmarked. Throws
/// Error naming the folder.
void make_build_folder(const std::filesystem::path& folder);

/// --clean: removes `folder` when it holds the marker (nothing when it does
/// not exist). Returns whether something was removed. Throws Error naming the
/// folder and why when it is not a folder venv2docker made.
bool clean_build_folder(const std::filesystem::path& folder);

}  // namespace venv2docker
