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

/// Runs argv[0] (found on PATH if it has no '/') with `argv`, feeding `input`
/// on stdin (short inputs only: it is written before output is read). Throws
/// Error if it cannot be started; a non-zero exit is returned, not thrown.
/// Output is capped at `max_output` bytes per stream.
ProcessResult run_process(const std::vector<std::string>& argv, std::size_t max_output = std::size_t{1} << 20,
                          const std::string& input = {});

}  // namespace venv2docker
