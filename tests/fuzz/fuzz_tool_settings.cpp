// [tool.venv2docker] of a pyproject.toml, read as TOML shapes and merged into
// the command line's flags as a build would merge it.
#include <CLI/CLI.hpp>

#include "build/command_line.h"
#include "build/config_file.h"
#include "fuzz_target.h"
#include "project/tool_settings.h"

using namespace venv2docker;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz::refusal_allowed([&] {
    const ToolSettings settings = parse_tool_settings(fuzz::as_text(data, size), "pyproject.toml");
    const auto app = command_line_app();
    (void)apply_tool_settings(*app, settings);
  });
}
