// venv2docker-manual OUTDIR: writes the man page and the bash, zsh and fish
// completion scripts, all from the app the command parses its flags with, so
// none of them can drift from --help. Run by meson at build time; its main()
// is in generate_manual.cpp.
#pragma once

#include <filesystem>

namespace venv2docker {

/// Writes venv2docker.1, venv2docker (bash), _venv2docker (zsh) and
/// venv2docker.fish into `folder`; false, after saying which on stderr, when
/// one cannot be written.
bool write_manual(const std::filesystem::path& folder);

}  // namespace venv2docker
