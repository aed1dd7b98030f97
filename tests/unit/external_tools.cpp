#include "external_tools.h"

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>

namespace venv2docker::test {

namespace fs = std::filesystem;

RunResult run_command(const std::string& command) {
  RunResult result{-1, {}};
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe);
  char buffer[4096];
  std::size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, got);
  int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string quote(const fs::path& path) { return "'" + path.string() + "'"; }

void require_tool(const std::string& tool) {
  if (run_command("command -v " + tool).status != 0) FAIL(tool + " is not installed; scripts/test installs it");
}

namespace {

fs::path validator() {
  fs::path tool = fs::path(__FILE__).parent_path() / ".." / ".." / ".." / "shared" / "tools" / "validate-oci-layout";
  if (!fs::exists(tool)) tool = "/work/shared/tools/validate-oci-layout";
  return tool;
}

}  // namespace

void check_with_validator(const fs::path& layout) {
  fs::path tool = validator();
  if (!fs::exists(tool)) FAIL("the OCI layout validator is missing at " + tool.string());
  RunResult result = run_command(quote(tool) + " " + quote(layout));
  INFO(result.output);
  CHECK(result.status == 0);
}

}  // namespace venv2docker::test
