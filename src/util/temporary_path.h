// Every temporary file or folder venv2docker makes gets its name here, and the
// name says who owns it: ".<stem>.v2dtmp-<pid>-<start time>-<host key>-<random>".
// A run killed with SIGKILL cannot remove what it made, so each run sweeps the
// temporaries whose owner is gone (sweep_dead_temporaries): the pid no longer
// runs, or runs a process started at another time (the pid was reused). The
// host key (boot id and pid namespace) keeps a run from judging the pids of
// another machine or container that shares the folder.
#pragma once

#include <filesystem>
#include <string_view>

namespace venv2docker {

/// A fresh name beside `destination` (same folder, so a rename is atomic),
/// unique across runs, threads and calls.
std::filesystem::path temporary_sibling(const std::filesystem::path& destination);

/// Whether `name` (a file name, no folder) is a temporary of a run that is gone.
/// Anything not named by temporary_sibling, and anything of another host or
/// pid namespace, is never judged gone.
bool is_dead_temporary(std::string_view name);

/// Removes the dead temporaries directly in `folder` (not below); errors are
/// ignored, since a sweep only recovers space.
void sweep_dead_temporaries(const std::filesystem::path& folder);

/// A temporary file or folder at a temporary_sibling name, removed (whole)
/// however its owner leaves.
class TemporaryPath {
 public:
  /// A name beside `destination`; nothing is created.
  explicit TemporaryPath(const std::filesystem::path& destination) : m_path(temporary_sibling(destination)) {}
  ~TemporaryPath();
  TemporaryPath(const TemporaryPath&) = delete;
  TemporaryPath& operator=(const TemporaryPath&) = delete;

  const std::filesystem::path& path() const { return m_path; }
  /// The path is someone else's now (renamed into place): nothing to remove.
  void release() { m_path.clear(); }

 private:
  std::filesystem::path m_path;
};

/// An empty folder to work in (gpgv's home, pip's staging prefix), created in
/// `parent` under a temporary name and removed with all it holds.
class ScratchFolder {
 public:
  /// Throws Error naming `parent` when the folder cannot be made.
  ScratchFolder(const std::filesystem::path& parent, std::string_view stem);
  const std::filesystem::path& path() const { return m_folder.path(); }

 private:
  TemporaryPath m_folder;
};

}  // namespace venv2docker
