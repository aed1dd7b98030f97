#include "pip/pip_install.h"

#include <nlohmann/json.hpp>

#include "util/error.h"
#include "util/file_bytes.h"
#include "util/process.h"
#include "util/text_util.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t pip_lines_shown = 20;

std::string venv_python(const Venv& venv) { return (venv.root / "bin" / "python").string(); }

// --no-compile: bytecode would embed the staging folder's random path and make
// the layer differ on every build; Python compiles in the image when it can.
// --quiet: pip still prints its errors, and they are what we show.
std::vector<std::string> pip_install_command(const Venv& venv, const fs::path& requirements, const fs::path& prefix,
                                             const std::vector<std::string>& options = {}) {
  std::vector<std::string> command = {venv_python(venv), "-m", "pip", "install"};
  command.insert(command.end(), options.begin(), options.end());
  command.insert(command.end(), {"--quiet", "--disable-pip-version-check", "--no-warn-script-location", "--no-compile",
                                 "--prefix", prefix.string(), "-r", requirements.string()});
  return command;
}

ProcessResult run_pip(const std::vector<std::string>& command, const fs::path& requirements) {
  ProcessResult result = run_process(command, ChildEnvironment::pip);
  if (result.exit_code != 0) {
    const std::string said = last_lines(result.err.empty() ? result.out : result.err, pip_lines_shown);
    throw Error("pip could not install --pip " + requirements.string() + " (exit " +
                    std::to_string(result.exit_code) + "):\n" + said,
                "fix the requirements or the index settings (pip.conf, PIP_* variables), then check with " +
                    command[0] + " -m pip install --dry-run -r " + requirements.string());
  }
  return result;
}

}  // namespace

void require_venv_pip(const Venv& venv) {
  const std::string python = venv_python(venv);
  if (!fs::exists(python)) {
    throw Error("the venv " + venv.root.string() + " has no bin/python to run pip with, which --pip needs",
                "recreate the venv, or build without --pip");
  }
  if (run_process({python, "-m", "pip", "--version"}, ChildEnvironment::pip).exit_code != 0) {
    throw Error("the venv " + venv.root.string() + " has no pip, which --pip needs to install requirements",
                "add it with " + python + " -m ensurepip, or build without --pip");
  }
}

std::vector<Distribution> plan_pip_install(const Venv& venv, const fs::path& requirements, const fs::path& prefix,
                                           const fs::path& report_file) {
  run_pip(pip_install_command(venv, requirements, prefix, {"--dry-run", "--report", report_file.string()}), requirements);

  // pip's report lists each distribution it would install with its metadata.
  constexpr std::size_t k_max_report = std::size_t{256} << 20;
  nlohmann::json report = nlohmann::json::parse(read_file_bytes(report_file, k_max_report).value_or(""), nullptr, false);
  if (report.is_discarded() || !report.contains("install") || !report["install"].is_array()) {
    throw Error("pip wrote no readable installation report to " + report_file.string(),
                "--pip needs pip 22.2 or newer: upgrade it in the venv with " + venv_python(venv) +
                    " -m pip install -U pip");
  }
  std::vector<Distribution> planned;
  for (const auto& item : report["install"]) {
    const auto metadata = item.value("metadata", nlohmann::json::object());
    planned.push_back({metadata.value("name", std::string()), metadata.value("version", std::string())});
  }
  return planned;
}

std::string run_pip_install(const Venv& venv, const fs::path& requirements, const fs::path& prefix) {
  return run_pip(pip_install_command(venv, requirements, prefix), requirements).err;
}

}  // namespace venv2docker
