// SIGINT and SIGTERM cancel a run cleanly: the handler only records the
// signal; long loops (every chunk written, every job started, every wait)
// call throw_if_cancelled, and the unwinding that follows removes every
// temporary as any error would. A second signal of the same kind acts at once
// (the handler resets itself), for a user who does not want to wait.
#pragma once

namespace venv2docker {

/// Installs the handlers; call once, early in main.
void install_cancellation_handlers();

/// The signal that cancelled the run, or 0.
int cancelling_signal();

/// Throws Error ("interrupted by SIGINT") once a signal has arrived.
void throw_if_cancelled();

/// The exit status of a run that a signal cancelled: 128 + the signal, as a
/// shell reports it (130 for SIGINT, 143 for SIGTERM).
int cancelled_exit_status();

}  // namespace venv2docker
