#include "util/cancellation.h"

#include <csignal>
#include <cstring>

#include "util/error.h"

namespace venv2docker {

namespace {

volatile std::sig_atomic_t g_signal = 0;

extern "C" void record_signal(int signal_number) { g_signal = signal_number; }

}  // namespace

void install_cancellation_handlers() {
  struct sigaction action {};
  action.sa_handler = record_signal;
  // Restarted system calls keep every read and write correct; the flag is
  // seen at the next check. One-shot: a second Ctrl-C ends the run at once.
  action.sa_flags = SA_RESTART | SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

int cancelling_signal() { return g_signal; }

void throw_if_cancelled() {
  if (const int signal_number = g_signal) {
    throw Error(std::string("interrupted by ") + (signal_number == SIGINT ? "SIGINT" : "SIGTERM"),
                "nothing was written; temporary files were removed");
  }
}

int cancelled_exit_status() { return 128 + g_signal; }

}  // namespace venv2docker
