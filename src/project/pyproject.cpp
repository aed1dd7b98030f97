#include "project/pyproject.h"

#include <system_error>

#include "project/toml_document.h"
#include "util/error.h"
#include "util/file_bytes.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> string_at(const toml::table& table, std::string_view key, const std::string& where,
                                     const fs::path& file) {
  const toml::node* node = table.get(key);
  if (!node) return std::nullopt;
  if (const auto* text = node->as_string()) return text->get();
  throw Error("cannot read " + file.string() + ": " + where + " is not a string",
              "write it as a TOML string, as in " + where.substr(where.rfind('.') + 1) + " = \"...\"");
}

// The name, version and console scripts of one metadata table, each where
// `project` has none yet: PEP 621's [project] first, then Poetry 1's
// [tool.poetry], where Poetry before 2.0 keeps them (and Poetry 2 a version
// that [project] declares dynamic).
void fill_from(const toml::table& table, const std::string& path, const fs::path& file, PyProject& project) {
  if (!project.name) project.name = string_at(table, "name", "[" + path + "].name", file);
  if (!project.version) project.version = string_at(table, "version", "[" + path + "].version", file);
  const toml::node* scripts = table.get("scripts");
  if (!project.scripts.empty() || !scripts) return;
  const std::string where = "[" + path + ".scripts]";
  const toml::table* entries = scripts->as_table();
  if (!entries) throw Error("cannot read " + file.string() + ": " + where + " is not a table");
  const bool poetry = path == "tool.poetry";
  for (const auto& [key, value] : *entries) {
    const std::string name(key.str());
    // Poetry also writes { callable = "module:function" }; its file scripts
    // ({ reference = ..., type = "file" }) are no console scripts.
    if (const toml::table* spelled_out = value.as_table(); poetry && spelled_out) {
      const auto target = string_at(*spelled_out, "callable", where + "." + name + ".callable", file);
      if (target) project.scripts.push_back({name, *target});
      continue;
    }
    project.scripts.push_back({name, *string_at(*entries, name, where + "." + name, file)});
  }
}

}  // namespace

bool is_python_project(const fs::path& folder) {
  std::error_code error;
  for (const char* marker : {"pyproject.toml", "setup.py", "setup.cfg"}) {
    if (fs::is_regular_file(folder / marker, error)) return true;
  }
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    if (it->path().filename().string().ends_with(".egg-info")) return true;
  }
  return false;
}

std::optional<PyProject> read_pyproject(const fs::path& folder) {
  const fs::path file = folder / "pyproject.toml";
  std::error_code error;
  if (!fs::is_regular_file(file, error)) return std::nullopt;
  return parse_pyproject(read_whole_file(file, k_max_pyproject, "the project's"), file);
}

PyProject parse_pyproject(std::string_view text, const fs::path& file) {
  const toml::table parsed = parse_toml_document(text, file);
  PyProject project;
  project.file = file;
  if (const toml::table* table = parsed["project"].as_table()) fill_from(*table, "project", file, project);
  if (const toml::table* table = parsed["tool"]["poetry"].as_table()) fill_from(*table, "tool.poetry", file, project);
  return project;
}

}  // namespace venv2docker
