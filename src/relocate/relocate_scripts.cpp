// bin/: console-script shebangs and the activate scripts.
#include <optional>

#include "relocate/relocate_scripts.h"

namespace venv2docker {

namespace {

// Linux reads at most 127 bytes of a "#!" line (BINPRM_BUF_SIZE before 5.1),
// and pip/distlib and uv use the same limit, counting "#!" and the newline.
constexpr std::size_t max_shebang_line = 127;

constexpr std::string_view exec_prefix = "'''exec' ";
constexpr std::string_view exec_suffix = " \"$0\" \"$@\"";
constexpr std::string_view exec_closing = "' '''";

struct Shebang {
  std::string exe;
  std::string args;  // what followed the interpreter, leading space included
  std::string_view body;
};

std::pair<std::string_view, std::string_view> split_first_line(std::string_view text) {
  const auto newline = text.find('\n');
  if (newline == std::string_view::npos) return {text, {}};
  return {text.substr(0, newline), text.substr(newline + 1)};
}

// The form pip writes when the interpreter path is too long or has spaces:
//   #!/bin/sh
//   '''exec' "/path with space/bin/python" "$0" "$@"
//   ' '''
// sh runs line 2; Python sees a string literal.
std::optional<Shebang> parse_exec_form(std::string_view text) {
  auto [first, rest] = split_first_line(text);
  if (first != "#!/bin/sh") return std::nullopt;
  auto [second, after_second] = split_first_line(rest);
  auto [third, body] = split_first_line(after_second);
  if (!second.starts_with(exec_prefix) || !second.ends_with(exec_suffix) || third != exec_closing) return std::nullopt;
  std::string_view command = second.substr(exec_prefix.size(), second.size() - exec_prefix.size() - exec_suffix.size());
  Shebang shebang;
  shebang.body = body;
  if (!command.empty() && (command.front() == '"' || command.front() == '\'')) {
    const auto close = command.find(command.front(), 1);
    if (close == std::string_view::npos) return std::nullopt;
    shebang.exe = std::string(command.substr(1, close - 1));
    shebang.args = std::string(command.substr(close + 1));
  } else {
    const auto space = command.find(' ');
    shebang.exe = std::string(command.substr(0, space));
    shebang.args = space == std::string_view::npos ? std::string() : std::string(command.substr(space));
  }
  return shebang;
}

std::optional<Shebang> parse_simple_form(std::string_view text) {
  auto [first, body] = split_first_line(text);
  if (!first.starts_with("#!")) return std::nullopt;
  std::string_view line = first.substr(2);
  const auto start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos) return std::nullopt;
  line = line.substr(start);
  const auto end = line.find_first_of(" \t\r");
  Shebang shebang;
  shebang.exe = std::string(line.substr(0, end));
  shebang.args = end == std::string_view::npos ? std::string() : std::string(line.substr(end));
  shebang.body = body;
  return shebang;
}

// pip's choice between the two forms, for the new interpreter path.
std::string make_shebang(const std::string& exe, const std::string& args) {
  if (exe.find(' ') == std::string::npos && exe.size() + args.size() + 3 <= max_shebang_line) {
    return "#!" + exe + args + "\n";
  }
  const std::string quoted = exe.find(' ') == std::string::npos ? exe : "\"" + exe + "\"";
  return "#!/bin/sh\n" + std::string(exec_prefix) + quoted + args + std::string(exec_suffix) + "\n" +
         std::string(exec_closing) + "\n";
}

std::optional<std::string> relocate_shebang(std::string_view text, const PathMap& venv_paths) {
  auto shebang = parse_exec_form(text);
  if (!shebang) shebang = parse_simple_form(text);
  if (!shebang) return std::nullopt;
  // Scripts run by another interpreter (/usr/bin/env bash...) stay as they are.
  const auto exe = venv_paths.map(shebang->exe);
  if (!exe) return std::nullopt;
  return make_shebang(*exe, shebang->args) + std::string(shebang->body);
}

bool is_interpreter_name(std::string_view name) {
  return name == "python" || name.starts_with("python3");
}

bool is_activate_script(std::string_view name) { return name.starts_with("activate") || name.starts_with("Activate"); }

// Python's shlex.quote(): newer venv and virtualenv write the path this way.
std::string shell_quote(const std::string& text) {
  const bool safe = !text.empty() && text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                            "0123456789_@%+=:,./-") == std::string::npos;
  if (safe) return text;
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\"'\"'") : std::string(1, c);
  return out + "'";
}

// virtualenv's activate scripts point TCL_LIBRARY/TK_LIBRARY at the host's
// Tcl/Tk, as `if [ <path> != "" ]; then ... TCL_LIBRARY=<path> ...`. Blanking
// each such path to '' turns those blocks off in every shell's syntax while
// keeping the scripts (and deactivate) well formed.
std::string blank_tcl_tk_paths(std::string text) {
  std::vector<std::string> values;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line = std::string_view(text).substr(start, end - start);
    start = end + 1;
    line.remove_prefix(std::min(line.find_first_not_of(" \t"), line.size()));
    for (std::string_view lead : {"export TCL_LIBRARY=", "export TK_LIBRARY=", "TCL_LIBRARY=", "TK_LIBRARY=",
                                  "setenv TCL_LIBRARY ", "setenv TK_LIBRARY ", "set -gx TCL_LIBRARY ",
                                  "set -gx TK_LIBRARY ", "$env.TCL_LIBRARY = ", "$env.TK_LIBRARY = "}) {
      if (!line.starts_with(lead)) continue;
      std::string_view value = line.substr(lead.size());
      value = value.substr(0, value.find_last_not_of(" \t\r") + 1);
      // Values read from a variable are deactivate's restores, not host paths.
      if (!value.empty() && value.find('$') == std::string_view::npos && value != "''" && value != "\"\"") {
        values.emplace_back(value);
      }
      break;
    }
  }
  for (const std::string& value : values) {
    for (auto at = text.find(value); at != std::string::npos; at = text.find(value, at + 2)) {
      text.replace(at, value.size(), "''");
    }
  }
  return text;
}

}  // namespace

void relocate_console_scripts(RelocationContext& context) {
  for (LayerEntry* entry : context.children(context.venv_destination + "/bin")) {
    const std::string name = entry_name(*entry);
    if (entry->kind != EntryKind::regular || is_interpreter_name(name) || is_activate_script(name) ||
        entry->size >= max_text_size) {
      continue;
    }
    const std::string text = context.read(*entry);
    if (!text.starts_with("#!")) continue;  // ELF programs and data files
    if (auto relocated = relocate_shebang(text, context.venv_paths)) context.rewrite(*entry, std::move(*relocated));
  }
}

void relocate_activate_scripts(RelocationContext& context) {
  // The quoted form of a path that needs quoting ('/x/my venv') is tried
  // first, as it is longer, and becomes the new path in plain single quotes:
  // valid in sh, csh, fish, nushell and Python alike, as the new path has no
  // character that needs escaping.
  PathMap paths;
  for (const auto& [host, image] : context.venv_paths.moves()) {
    paths.add(host, image);
    if (shell_quote(host) != host) paths.add(shell_quote(host), "'" + image + "'");
  }
  for (LayerEntry* entry : context.children(context.venv_destination + "/bin")) {
    const std::string name = entry_name(*entry);
    if (entry->kind != EntryKind::regular || !is_activate_script(name) || entry->size >= max_text_size) continue;
    const std::string text = context.read(*entry);
    std::string relocated = blank_tcl_tk_paths(paths.replace_in(text).value_or(text));
    if (relocated != text) context.rewrite(*entry, std::move(relocated));
  }
}

}  // namespace venv2docker
