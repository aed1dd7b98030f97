#include "util/test_kill_point.h"

#include <csignal>
#include <cstdlib>
#include <string>

namespace venv2docker {

void test_kill_point(std::string_view point) {
  static const std::string wanted = [] {
    const char* value = std::getenv("VENV2DOCKER_TEST_KILL_AT");
    return std::string(value ? value : "");
  }();
  if (!wanted.empty() && wanted == point) std::raise(SIGKILL);
}

}  // namespace venv2docker
