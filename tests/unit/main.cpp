// The one unit-test binary, with Catch2's runner. SIGPIPE is ignored as the
// real program's main ignores it: a helper program that exits before reading
// all its input must give a write error, not kill the whole test run.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <csignal>

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  return Catch::Session().run(argc, argv);
}
