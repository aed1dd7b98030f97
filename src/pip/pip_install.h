// Runs the venv's own pip on the host for --pip: what it would install, then
// the install itself into a separate prefix (never into the venv).
#pragma once

#include <filesystem>
#include <vector>

#include "venv/installed_distributions.h"
#include "venv/venv.h"

namespace venv2docker {

/// Throws Error, with the ensurepip hint, when `python -m pip` does not run in the venv.
void require_venv_pip(const Venv& venv);

/// What `pip install -r requirements` would add to the venv (`--dry-run
/// --report`): nothing when the venv already satisfies it. `report_file` is
/// where pip writes its JSON. Throws Error with pip's last words on failure.
std::vector<Distribution> plan_pip_install(const Venv& venv, const std::filesystem::path& requirements,
                                           const std::filesystem::path& prefix,
                                           const std::filesystem::path& report_file);

/// `pip install --prefix prefix -r requirements` with the user's environment
/// (pip.conf, PIP_* variables, index credentials apply). Returns what pip
/// printed on stderr although it succeeded (dependency conflicts, deprecations).
/// Throws Error with pip's last words on failure.
std::string run_pip_install(const Venv& venv, const std::filesystem::path& requirements, const std::filesystem::path& prefix);

}  // namespace venv2docker
