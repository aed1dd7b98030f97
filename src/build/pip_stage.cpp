#include "build/pip_stage.h"

namespace venv2docker {

std::optional<PipStaging> stage_pip(const std::optional<std::filesystem::path>& requirements, const Venv& venv,
                                    const BlobStore& store, Reporter& reporter) {
  if (!requirements) return std::nullopt;
  reporter.step("Installing --pip " + requirements->string() + " with the venv's pip");
  PipStaging staging = stage_pip_requirements(venv, *requirements, store.root() / "tmp");
  for (const auto& warning : staging.pip_warnings) reporter.warning(warning);
  if (staging.installed.empty()) {
    reporter.step("The venv already satisfies " + requirements->string() + ": no pip layer");
  } else {
    reporter.step("pip installed " + describe_distributions(staging.installed));
  }
  return staging;
}

}  // namespace venv2docker
