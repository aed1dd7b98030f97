// The spellings of flags CLI11 does not take as people mean them: "-w=/x"
// (CLI11 would keep the '='), and an unknown flag, which gets the nearest
// known one as a suggestion.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace venv2docker {

/// argv after the program name, with each "-X=VALUE" of a short option that
/// takes a value split into "-X" and "VALUE", as "--long=VALUE" is; nothing
/// after "--" is touched. Throws UsageError for a flag `app` does not know,
/// suggesting the nearest long flag.
std::vector<std::string> normalised_arguments(const CLI::App& app, int argc, char** argv);

}  // namespace venv2docker
