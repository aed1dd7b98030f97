// Test-only: VENV2DOCKER_TEST_KILL_AT=<name> makes the process kill itself
// with SIGKILL when it reaches the point of that name, so the kill tests hit
// exact windows (mid-blob, just before a swap) instead of hoping a random
// moment lands there. Unset, a kill point is one comparison. The names are
// listed in docs/testing.md.
#pragma once

#include <string_view>

namespace venv2docker {

/// Raises SIGKILL when VENV2DOCKER_TEST_KILL_AT names `point`.
void test_kill_point(std::string_view point);

}  // namespace venv2docker
