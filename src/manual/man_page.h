// venv2docker(1): the man page, written in roff from the CLI11 app that
// parses the flags, so it says what --help says.
#pragma once

#include <string>

namespace CLI {
class App;
}  // namespace CLI

namespace venv2docker {

/// The page (man(7) macros, section 1) for `app`: synopsis, every flag by
/// group with its description and default, the [tool.venv2docker] settings,
/// and the app's footer.
std::string man_page(const CLI::App& app, const std::string& version);

}  // namespace venv2docker
