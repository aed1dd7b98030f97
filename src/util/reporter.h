// Everything the tool tells the user while it works, on stderr: steps,
// warnings, and progress that redraws in place on a terminal (plain lines
// otherwise). Standard output stays free for --json.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace venv2docker {

enum class Verbosity { quiet, normal, verbose };

class Reporter {
 public:
  explicit Reporter(Verbosity verbosity = Verbosity::normal);

  void step(const std::string& message);     // normal and verbose
  void detail(const std::string& message);   // verbose only
  void warning(const std::string& message);  // always; also collected
  /// "<label>: 12.3 MiB (45.6 MiB/s)", redrawn at most a few times a second.
  void progress(const std::string& label, std::uint64_t bytes);
  void end_progress();

  const std::vector<std::string>& warnings() const { return m_warnings; }

 private:
  Verbosity m_verbosity;
  bool m_terminal;
  bool m_progress_open = false;
  std::chrono::steady_clock::time_point m_progress_start;
  std::chrono::steady_clock::time_point m_last_draw;
  std::vector<std::string> m_warnings;
};

std::string human_bytes(std::uint64_t bytes);

}  // namespace venv2docker
