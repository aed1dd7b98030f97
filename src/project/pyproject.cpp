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
  const toml::table* table = parsed["project"].as_table();
  if (!table) return project;
  project.name = string_at(*table, "name", "[project].name", file);
  project.version = string_at(*table, "version", "[project].version", file);
  if (const toml::node* scripts = table->get("scripts")) {
    const toml::table* entries = scripts->as_table();
    if (!entries) throw Error("cannot read " + file.string() + ": [project.scripts] is not a table");
    for (const auto& [key, value] : *entries) {
      const std::string name(key.str());
      const auto target = string_at(*entries, name, "[project.scripts]." + name, file);
      project.scripts.push_back({name, *target});
    }
  }
  return project;
}

}  // namespace venv2docker
