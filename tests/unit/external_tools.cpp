#include "external_tools.h"

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>

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

std::string quote(const fs::path& path) {
  // Appended, not `"'" + ... + "'"`: GCC 12 warns falsely (-Wrestrict) on that once inlined.
  std::string quoted = "'";
  quoted += path.string();
  quoted += '\'';
  return quoted;
}

void require_tool(const std::string& tool) {
  if (run_command("command -v " + tool).status != 0) FAIL(tool + " is not installed; scripts/test installs it");
}

void check_image(const fs::path& image, const std::string& tag) {
  // meson passes the script's path; from elsewhere it sits beside this folder.
  const char* given = std::getenv("V2D_VALIDATE_IMAGE");
  fs::path script = given ? fs::path(given) : fs::path(__FILE__).parent_path() / ".." / "integration" / "validate_image.py";
  if (!fs::exists(script)) FAIL("validate_image.py is missing at " + script.string() + " (set V2D_VALIDATE_IMAGE)");
  RunResult result = run_command("/usr/bin/python3 " + quote(script) + " " + quote(image) +
                                 (tag.empty() ? "" : " --tag " + quote(tag)));
  INFO(result.output);
  CHECK(result.status == 0);
}

}  // namespace venv2docker::test
