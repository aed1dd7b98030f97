// The independent readers unit tests check outputs with (skopeo, umoci, the
// OCI schema validator in ../shared/tools). scripts/test installs them, so a
// missing one fails the test: it is a broken setup, not a reason to pass.
#pragma once

#include <filesystem>
#include <string>

namespace venv2docker::test {

struct RunResult {
  int status;
  std::string output;  // stdout and stderr together
};

/// Runs `command` with sh, returning its exit status and output.
RunResult run_command(const std::string& command);

/// `path` in single quotes, for a command line (test paths hold no quotes).
std::string quote(const std::filesystem::path& path);

/// Fails the test when `tool` is not on PATH.
void require_tool(const std::string& tool);

/// Runs validate-oci-layout on a layout folder or tar; the test fails with its
/// report unless the layout is valid.
void check_with_validator(const std::filesystem::path& layout);

}  // namespace venv2docker::test
