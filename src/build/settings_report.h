// --print-config: the merged settings as a [tool.venv2docker] table, each with
// where it came from (the command line, pyproject.toml:LINE, the default), so
// it can be read, and pasted into a pyproject.toml.
#pragma once

#include <string>

#include "build/config_file.h"

namespace venv2docker {

/// Every configurable option of `app` (parsed, the file applied): a TOML line
/// with its value and its origin as a comment; an option that is not set and
/// has no default, as a comment.
std::string settings_report(const CLI::App& app, const SettingOrigins& origins);

}  // namespace venv2docker
