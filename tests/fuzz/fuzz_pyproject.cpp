// A project's pyproject.toml, as the name, tag and command defaults read it.
#include <optional>

#include "build/project_defaults.h"
#include "fuzz_target.h"
#include "project/pyproject.h"

using namespace venv2docker;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz::refusal_allowed([&] {
    const PyProject project = parse_pyproject(fuzz::as_text(data, size), "pyproject.toml");
    (void)default_tag(project);
  });
}
