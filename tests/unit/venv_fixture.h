// Real virtualenvs for the venv, tree-walk and relocation tests, made once per
// test run with the host's python3 (-m venv) and pip, offline: pip installs
// local projects with --no-index, and `wheel` comes from Debian's
// /usr/share/python-wheels (package python3-wheel-whl).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "tar/layer_entry.h"

namespace venv2docker::test {

/// $V2D_HOST_PYTHON, else /usr/bin/python3.
std::string host_python();
/// The host interpreter's real file ("/usr/bin/python3.11"): what an image
/// with the same Python would name.
std::string host_python_binary();

/// Runs `command` with sh; returns its output (stdout and stderr). Throws
/// with the output when it fails.
std::string run(const std::string& command);
/// Single-quotes `text` for sh.
std::string sh_quote(const std::string& text);

std::string read_file(const std::filesystem::path& file);
void write_file(const std::filesystem::path& file, const std::string& text);

/// RECORD's "sha256=..." of `bytes`, computed by Python's hashlib, so the
/// test does not check the C++ code against itself.
std::string python_record_hash(const std::string& bytes);

struct StandardVenv {
  std::filesystem::path venv;      // made by `python3 -m venv`, pip and setuptools seeded
  std::filesystem::path app;       // flat layout, installed editable: finder MAPPING and NAMESPACES
  std::filesystem::path hello;     // src layout, installed normally: console script `hello-v2d`
  std::filesystem::path edit;      // src layout, installed editable: static __editable__ .pth
  std::filesystem::path legacy;    // setup.py develop: .egg-link and easy-install.pth
};

/// Built on first use, shared by every test of the run.
const StandardVenv& standard_venv();

/// `python3 -m venv --copies --without-pip` in a folder whose name has a
/// space, with `hello-v2d` installed: its bin/python* are copies and its
/// console script uses pip's `'''exec'` form.
const std::filesystem::path& spaced_copies_venv();

/// A venv made by virtualenv (--no-seed), or nullptr when the host Python
/// has no virtualenv module (Debian: python3-virtualenv).
const std::filesystem::path* virtualenv_venv();

/// Writes entries at their absolute paths (for relocations into a temp folder).
void materialize(const std::vector<LayerEntry>& entries);

}  // namespace venv2docker::test
