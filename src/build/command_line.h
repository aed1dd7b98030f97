// The venv2docker command line: its flags (CLI11) into BuildOptions, plus
// what only the command does (--clean, how much it prints, --json).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>

#include "build/build.h"
#include "util/reporter.h"

namespace CLI {
class App;
}  // namespace CLI

namespace venv2docker {

struct CommandLine {
  BuildOptions options;
  bool clean = false;  // --clean: remove the build folder, build nothing
  bool quiet = false;
  bool verbose = false;
  bool json = false;   // --json: the result, or the error, as one JSON object on stdout
  std::optional<std::filesystem::path> iidfile;        // --iidfile: the image ID (config digest)
  std::optional<std::filesystem::path> metadata_file;  // --metadata-file: buildx's JSON

  /// --json keeps stderr as quiet as --quiet.
  Verbosity verbosity() const;
};

struct ParsedCommandLine {
  /// Set when parsing ends the command: 0 after --help or --version (which
  /// CLI11 printed).
  std::optional<int> exit_code;
  CommandLine command;
};

/// Parses argv; the environment fills what the flags leave open
/// (SOURCE_DATE_EPOCH, VENV2DOCKER_REGISTRY_USER/_PASSWORD), and
/// [tool.venv2docker] in pyproject.toml (build/config_file.h) what both leave
/// open. --print-config prints the merged settings and sets exit_code 0.
/// Throws UsageError for a flag it refuses (an unknown one with the nearest
/// known one as a hint) or a setting in pyproject.toml it cannot use, Error
/// for an environment value it cannot use.
ParsedCommandLine parse_command_line(int argc, char** argv);

/// The app parse_command_line parses with, every flag declared (bound to
/// values it owns): what the man page and the completion scripts are
/// generated from.
std::unique_ptr<CLI::App> command_line_app();

}  // namespace venv2docker
