// Runs a program on the host (no shell) and captures what it prints.
#pragma once

#include <string>
#include <vector>

namespace venv2docker {

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Which of our environment a child sees. Each kind passes only the variables
/// that program reads: our registry password (VENV2DOCKER_REGISTRY_PASSWORD)
/// and whatever else the user's shell holds never reach a build backend, a
/// signature check or a credential helper that does not need it.
enum class ChildEnvironment {
  bare,               // PATH and the locale: gpgv, the interpreter probe
  pip,                // + HOME, proxies, PIP_*, TMPDIR, CA bundles, compilers: pip and the build backends it runs
  credential_helper,  // + HOME, DOCKER_*, XDG_*, D-Bus, pass/gpg, cloud SDKs' settings
};

/// The `NAME=value` strings a child of `kind` gets from `environment`.
std::vector<std::string> child_environment(ChildEnvironment kind, char** environment);

/// Runs argv[0] (found on PATH if it has no '/') with `argv`, feeding `input`
/// on stdin (short inputs only: it is written before output is read). The
/// child gets the environment `kind` allows and no file descriptor but its
/// three standard ones. Throws Error if it cannot be started; a non-zero exit
/// is returned, not thrown. Output is capped at `max_output` bytes per stream.
ProcessResult run_process(const std::vector<std::string>& argv, ChildEnvironment kind,
                          std::size_t max_output = std::size_t{1} << 20, const std::string& input = {});

}  // namespace venv2docker
