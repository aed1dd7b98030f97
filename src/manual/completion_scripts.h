// Shell completion for venv2docker, generated from the CLI11 app that parses
// the flags: bash, zsh and fish offer every long and short flag.
#pragma once

#include <string>

namespace CLI {
class App;
}  // namespace CLI

namespace venv2docker {

/// For share/bash-completion/completions/venv2docker: flags after a dash,
/// files after a flag that takes a value, folders (venvs) otherwise.
std::string bash_completion(const CLI::App& app);

/// For share/zsh/site-functions/_venv2docker: an _arguments spec per flag,
/// with its description.
std::string zsh_completion(const CLI::App& app);

/// For share/fish/vendor_completions.d/venv2docker.fish: a `complete` line
/// per flag, with its description.
std::string fish_completion(const CLI::App& app);

}  // namespace venv2docker
