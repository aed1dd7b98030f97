#include "util/reporter.h"

#include <unistd.h>

#include <cstdio>

#include "util/terminal_text.h"

namespace venv2docker {

Reporter::Reporter(Verbosity verbosity) : m_verbosity(verbosity), m_terminal(::isatty(STDERR_FILENO) == 1) {}

std::string human_bytes(std::uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return text;
}

void Reporter::step(const std::string& message) {
  if (m_verbosity == Verbosity::quiet) return;
  end_progress();
  std::fprintf(stderr, "%s\n", terminal_safe(message).c_str());
}

void Reporter::detail(const std::string& message) {
  if (m_verbosity != Verbosity::verbose) return;
  end_progress();
  std::fprintf(stderr, "  %s\n", terminal_safe(message).c_str());
}

void Reporter::warning(const std::string& message) {
  m_warnings.push_back(message);
  end_progress();
  std::fprintf(stderr, "venv2docker: warning: %s\n", terminal_safe(message).c_str());
}

void Reporter::progress(const std::string& label, std::uint64_t bytes) {
  // Progress is for people watching: never on a pipe or a log.
  if (m_verbosity == Verbosity::quiet || !m_terminal) return;
  auto now = std::chrono::steady_clock::now();
  if (!m_progress_open) {
    m_progress_open = true;
    m_progress_start = now;
  } else if (now - m_last_draw < std::chrono::milliseconds(200)) {
    return;
  }
  m_last_draw = now;
  double seconds = std::chrono::duration<double>(now - m_progress_start).count();
  std::string rate = seconds > 0.2 ? " (" + human_bytes(static_cast<std::uint64_t>(bytes / seconds)) + "/s)" : "";
  std::fprintf(stderr, "\r\033[K  %s: %s%s", terminal_safe(label).c_str(), human_bytes(bytes).c_str(), rate.c_str());
  std::fflush(stderr);
}

void Reporter::end_progress() {
  if (!m_progress_open) return;
  m_progress_open = false;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

}  // namespace venv2docker
