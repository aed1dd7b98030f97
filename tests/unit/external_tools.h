// The independent readers unit tests check outputs with (skopeo, umoci, and
// validate_image, which runs the OCI schema validator in ../shared/tools). scripts/test installs them, so a
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

/// Runs the integration tests' validate_image (tests/integration/validate_image.py:
/// validate-oci-layout, then diff_ids, history, platforms, a docker-archive's
/// manifest.json) on an OCI layout folder or a docker-archive; with `tag`, that
/// entry must be there. The test fails with its report unless the image is valid.
void check_image(const std::filesystem::path& image, const std::string& tag = {});

}  // namespace venv2docker::test
