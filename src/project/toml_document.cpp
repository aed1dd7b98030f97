#include "project/toml_document.h"

#include <string>

#include "util/error.h"
#include "util/terminal_text.h"

namespace venv2docker {

namespace {

// What of the parser's description is shown: it may quote the file.
constexpr std::size_t k_max_shown = 200;

}  // namespace

toml::table parse_toml_document(std::string_view text, const std::filesystem::path& file) {
  try {
    return toml::parse(text, file.string());
  } catch (const toml::parse_error& error) {  // the library's one way to say "no TOML"
    throw Error("cannot read " + file.string() + ": line " + std::to_string(error.source().begin.line) + ", column " +
                    std::to_string(error.source().begin.column) + ": " +
                    outside_text(std::string(error.description()), k_max_shown),
                "fix the TOML there (pip and every build backend would refuse it too)");
  }
}

}  // namespace venv2docker
