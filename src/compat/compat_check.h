// Checks, before any output is written, that the venv can run on the base
// image: the interpreter, the C library family and version, the architecture,
// every shared library its extensions load, and the venv's own settings. Each
// finding names the file that proves it and the fix to try.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "image/base_image.h"
#include "layer/file_index.h"
#include "store/file_stat_memo.h"
#include "tar/layer_entry.h"
#include "venv/venv.h"

namespace venv2docker {

struct SystemDistribution;  // venv2docker/system_site_packages.h

enum class Severity { error, warning };

struct Finding {
  Severity severity = Severity::error;
  std::string check;    // short id: "python-version", "missing-library", ...
  std::string message;  // what is wrong
  std::string file;     // the file that proves it (host or image path)
  std::string fix;      // what to try
  std::string subject;  // what is missing, when it has a name ("libblas.so.3" for missing-library)

  Finding() = default;
  Finding(Severity severity, std::string check, std::string message, std::string file, std::string fix,
          std::string subject = {})
      : severity(severity), check(std::move(check)), message(std::move(message)), file(std::move(file)),
        fix(std::move(fix)), subject(std::move(subject)) {}
};

/// A finding as --json reports it: severity, check, message, file and fix.
nlohmann::json to_json(const Finding& finding);

struct CompatReport {
  std::string venv;
  std::string base;
  std::optional<std::string> interpreter;  // as the image will name it
  std::vector<Finding> findings;

  bool has_errors() const;
  std::string text() const;
  nlohmann::json json() const;
};

struct CompatInputs {
  const Venv* venv = nullptr;
  const BaseImage* base = nullptr;
  /// The base's files, with at least the bytes checked_contents() selects.
  const FileIndex* base_files = nullptr;
  /// Layers added between the base and the venv, lowest first (--apt
  /// packages, the --python-from host interpreter).
  std::vector<const std::vector<LayerEntry>*> added_layers;
  /// The relocated venv as it will be in the image: its layers' entries (a
  /// folder may be in several).
  std::vector<const std::vector<LayerEntry>*> venv_layers;
  /// What --pip adds into the venv, relocated (may be empty).
  const std::vector<LayerEntry>* pip_entries = nullptr;
  /// Set with --python-from host: the interpreter is the venv's own.
  std::optional<std::string> host_interpreter;
  std::string base_name;
  /// What the venv imports from the host's system site-packages
  /// (host_system_distributions; empty or null when it does not).
  const std::vector<SystemDistribution>* system_distributions = nullptr;
  /// Remembers the venv's ELF headers by stat across builds (optional).
  FileStatMemo* elf_memo = nullptr;
};

/// The files whose bytes the checks read: the loader's configuration
/// (ld.so.conf and its includes) and glibc's libc.so.6 (its symbol versions).
ContentSelection checked_contents();

/// Finds the image's interpreter for the venv: the venv's own with
/// --python-from host, else a matching python3.X in the base (see
/// find_interpreter). std::nullopt when there is none.
std::optional<std::string> image_interpreter_for(const Venv& venv, const FileIndex& base_files);

/// Runs every check. Never throws for what it finds; only for unreadable input.
CompatReport check_compatibility(const CompatInputs& inputs);

}  // namespace venv2docker
