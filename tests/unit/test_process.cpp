// A child we run sees only the environment its kind allows and no descriptor
// of ours: real children (env, ls), a real environment and a real open file.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <stdlib.h>

#include <string>

#include "temp_dir.h"
#include "test_images.h"
#include "util/process.h"
#include "util/unique_fd.h"

using namespace venv2docker;

namespace {

// Sets a variable for one test, and takes it away after.
struct ScopedVariable {
  ScopedVariable(const char* name, const char* value) : m_name(name) { ::setenv(name, value, 1); }
  ~ScopedVariable() { ::unsetenv(m_name); }
  const char* m_name;
};

}  // namespace

TEST_CASE("process: children see only the variables their kind allows", "[process]") {
  ScopedVariable password("VENV2DOCKER_REGISTRY_PASSWORD", "hunter2-canary");
  ScopedVariable canary("V2D_CANARY_SECRET", "tweet-canary");
  ScopedVariable pip_setting("PIP_INDEX_URL", "http://index.invalid/simple");
  ScopedVariable docker_setting("DOCKER_CONFIG", "/nowhere/docker");
  ScopedVariable aws_setting("AWS_PROFILE", "ci");
  for (ChildEnvironment kind : {ChildEnvironment::bare, ChildEnvironment::pip, ChildEnvironment::credential_helper}) {
    const ProcessResult env = run_process({"env"}, kind);
    REQUIRE(env.exit_code == 0);
    CHECK(env.out.find("hunter2-canary") == std::string::npos);
    CHECK(env.out.find("tweet-canary") == std::string::npos);
    CHECK(env.out.find("VENV2DOCKER_") == std::string::npos);
    CHECK(env.out.find("PATH=") != std::string::npos);
    CHECK((env.out.find("PIP_INDEX_URL=") != std::string::npos) == (kind == ChildEnvironment::pip));
    CHECK((env.out.find("DOCKER_CONFIG=") != std::string::npos) == (kind == ChildEnvironment::credential_helper));
    CHECK((env.out.find("AWS_PROFILE=") != std::string::npos) == (kind == ChildEnvironment::credential_helper));
  }
}

TEST_CASE("process: a child inherits no descriptor but its standard three", "[process]") {
  test::TempDir tmp;
  test::write_bytes(tmp / "blob", "bytes");
  // Opened as a library might: without O_CLOEXEC.
  const UniqueFd open_file(::open((tmp / "blob").c_str(), O_RDONLY));
  REQUIRE(open_file);
  const ProcessResult listed = run_process({"ls", "-l", "/proc/self/fd/"}, ChildEnvironment::bare);
  REQUIRE(listed.exit_code == 0);
  CHECK(listed.out.find(" 0 -> ") != std::string::npos);  // ls listed them
  CHECK(listed.out.find((tmp / "blob").string()) == std::string::npos);
}
