// Moves a venv to another absolute path inside the image: rewrites every file
// that names the old venv or project path, and points the venv at the image's
// interpreter. Rules and sources: docs/relocation.md.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "store/file_stat_memo.h"
#include "tar/layer_entry.h"
#include "venv/venv.h"

namespace venv2docker {

class DeferredTextScan;

struct RelocationParams {
  std::string venv_destination = "/opt/venv";
  std::optional<std::filesystem::path> project_source;
  std::string project_destination = "/app";
  /// Absolute path of the interpreter inside the image ("/usr/bin/python3.11").
  std::string interpreter;
  /// The text scan's memo (relocate/text_scan_memo.h), when set: files it
  /// says are unchanged since a scan that found no old path in them are not
  /// read again (rebuilds of big venvs read almost nothing). The memo must
  /// belong to these same source and destination paths.
  FileStatMemo* text_scan_memo = nullptr;
  /// When set (text_scan_memo must then be its memo()): files the memo does
  /// not know are not read but marked LayerEntry::text_scan_pending, for the
  /// layer writer to check (relocate/deferred_text_scan.h).
  DeferredTextScan* deferred_text_scan = nullptr;
  /// A host folder pip installed into with --prefix on the venv's behalf
  /// (--pip): its files go to venv_destination too, so its path is moved like
  /// the venv's.
  std::optional<std::filesystem::path> install_prefix;
  /// The release of `interpreter` ("3.11.2") for pyvenv.cfg's version keys;
  /// empty keeps the venv's (the host's interpreter, or a release not known).
  std::string interpreter_release;
};

struct RelocationResult {
  /// Entries to add to the venv layer: sources of editable installs that live
  /// outside the project, copied under <venv>/src/<name>.
  std::vector<LayerEntry> extra_entries;
  std::vector<std::string> warnings;
  /// True when relocation looked at host folders outside the entries it was
  /// given (an editable install's source outside the project): its outcome
  /// can then change while no entry does, so it must not be reused by stat.
  bool looked_outside = false;
};

/// Rewrites `entries` (walk_tree of the venv to params.venv_destination) in place:
/// pyvenv.cfg, bin/python* links, console-script shebangs, activate scripts,
/// editable installs (.pth, finder MAPPING, .egg-link, direct_url.json), RECORD
/// hashes of edited files; drops the .pyc of rewritten .py files. Throws Error on
/// files it cannot parse that must be rewritten.
RelocationResult relocate_venv(const Venv& venv, std::vector<LayerEntry>& entries,
                               const RelocationParams& params);

/// Relocates files installed for the venv outside it (`pip install --prefix`,
/// walked to params.venv_destination): the relocate_venv() steps that apply to
/// what pip writes (console-script shebangs, editable installs, other text,
/// RECORD hashes), without the venv's own pyvenv.cfg and bin/python links.
RelocationResult relocate_installed_files(const Venv& venv, std::vector<LayerEntry>& entries,
                                          const RelocationParams& params);

}  // namespace venv2docker
