#include "manual/man_page.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <vector>

#include "manual/flag_listing.h"

namespace venv2docker {

namespace {

// Text as roff reads it literally: backslashes and hyphens escaped, a line
// never starting as a request, characters beyond ASCII as \[uXXXX] (groff
// reads its input as Latin-1 otherwise).
std::string roff_text(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\\') {
      out += "\\e";
    } else if (byte == '-') {
      out += "\\-";
    } else if (byte == '\n') {
      out += "\n.br\n";
    } else if (byte < 0x80) {
      if ((byte == '.' || byte == '\'') && (out.empty() || out.back() == '\n')) out += "\\&";
      out += static_cast<char>(byte);
    } else {
      // A UTF-8 sequence as one code point.
      const int length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      unsigned code = byte & (0x3f >> (length - 1));
      for (int k = 1; k < length && i + 1 < text.size(); ++k) code = (code << 6) | (text[++i] & 0x3f);
      char escaped[16];
      std::snprintf(escaped, sizeof escaped, "\\[u%04X]", code);
      out += escaped;
    }
  }
  return out;
}

std::string flag_heading(const FlagDescription& flag) {
  std::string heading;
  for (const auto& name : flag.names) {
    if (!heading.empty()) heading += ", ";
    heading += "\\fB" + roff_text(name) + "\\fR";
  }
  if (!flag.value_name.empty()) heading += " \\fI" + roff_text(flag.value_name) + "\\fR";
  return heading;
}

}  // namespace

std::string man_page(const CLI::App& app, const std::string& version) {
  std::string page = ".TH VENV2DOCKER 1 \"\" \"venv2docker " + roff_text(version) + "\" \"User Commands\"\n";
  page += ".SH NAME\nvenv2docker \\- " + roff_text("build a container image from a Python virtualenv") + "\n";
  page += ".SH SYNOPSIS\n.B venv2docker\n[\\fIOPTION\\fR]... [\\fIVIRTUALENV\\fR]\n";
  page += ".SH DESCRIPTION\n" + roff_text(app.get_description()) + "\n";
  page += ".PP\n" + roff_text(flag_description(app, "VIRTUALENV")) + "\n";
  page += ".SH OPTIONS\n";
  for (const auto& group : flag_groups(app)) {
    page += ".SS " + roff_text(group.name) + "\n";
    for (const auto& flag : group.flags) {
      page += ".TP\n" + flag_heading(flag) + "\n" + roff_text(flag.description);
      if (!flag.default_value.empty()) page += " (default: " + roff_text(flag.default_value) + ")";
      page += "\n";
    }
  }
  page += ".SH CONFIGURATION\n" +
          roff_text("[tool.venv2docker] in pyproject.toml holds settings: each key is a long flag's name without "
                    "the dashes; a string or an integer for a flag that takes a value, true or false for a switch, "
                    "a list for a repeatable flag, a table for the K=V flags (env, label, annotation). Flags given on "
                    "the command line override the file, which overrides the defaults. The file is --project's "
                    "pyproject.toml, else the one beside the venv (project/.venv), else the current folder's. "
                    "--print-config prints the merged settings and where each came from.") +
          "\n";
  page += ".PP\n.EX\n[tool.venv2docker]\nbase = \"python:3.11\\-slim\"\nenv = { APP_MODE = \"production\" }\n"
          "label = { \"org.opencontainers.image.source\" = \"https://example.org/app\" }\nexclude = [\"tests/\"]\n.EE\n";
  page += ".SH NOTES\n" + roff_text(app.get_footer()) + "\n";
  page += ".SH SEE ALSO\n.BR docker (1),\n.BR podman (1),\n.BR skopeo (1)\n";
  return page;
}

}  // namespace venv2docker
