// Editable installs and other .pth paths: direct_url.json (PEP 610), the
// .pth files site.py reads, setuptools' finder modules (MAPPING/NAMESPACES)
// and legacy .egg-link files.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "relocate/editable_sources.h"
#include "relocate/python_literal.h"
#include "relocate/relocate_editable.h"
#include "util/error.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view file_scheme = "file://";

std::optional<std::string> file_url_path(std::string_view url) {
  if (!url.starts_with(file_scheme) || url.size() <= file_scheme.size() || url[file_scheme.size()] != '/') {
    return std::nullopt;
  }
  const std::string_view encoded = url.substr(file_scheme.size());
  auto hex = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(c) - 'a' + 10); };
  std::string path;
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] == '%' && i + 2 < encoded.size() && std::isxdigit(static_cast<unsigned char>(encoded[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(encoded[i + 2]))) {
      path += static_cast<char>(hex(encoded[i + 1]) * 16 + hex(encoded[i + 2]));
      i += 2;
    } else {
      path += encoded[i];
    }
  }
  return path;
}

// As pip writes it (urllib's pathname2url: everything but unreserved
// characters and '/' percent-encoded).
std::string file_url(std::string_view path) {
  std::string url(file_scheme);
  for (char c : path) {
    if (std::isalnum(static_cast<unsigned char>(c)) || std::string_view("/_.-~").find(c) != std::string_view::npos) {
      url += c;
    } else {
      char escape[4];
      std::snprintf(escape, sizeof escape, "%%%02X", static_cast<unsigned char>(c));
      url += escape;
    }
  }
  return url;
}

// Splits into lines that keep their "\n", so rewriting one keeps the others' bytes.
std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    end = end == std::string::npos ? text.size() : end + 1;
    lines.push_back(text.substr(start, end - start));
    start = end;
  }
  return lines;
}

// Replaces a path line's path, keeping its trailing spaces and line ending.
bool relocate_path_line(std::string& line, EditableSources& sources, const PathOrigin& origin) {
  const std::size_t end = line.find_last_not_of(" \t\r\n") + 1;
  if (line.empty() || line.front() != '/' || end == 0) return false;
  const auto image = sources.place(line.substr(0, end), origin);
  if (!image) return false;
  line = *image + line.substr(end);
  return true;
}

struct DirectUrl {
  LayerEntry* entry;
  std::string text;
  std::string url;
  std::string path;
  bool editable;
};

std::optional<DirectUrl> read_direct_url(RelocationContext& context, LayerEntry& entry) {
  DirectUrl direct{&entry, context.read(entry), {}, {}, false};
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(direct.text);
    direct.url = json.at("url").get<std::string>();
  } catch (const nlohmann::json::exception& error) {
    throw Error("cannot read " + context.describe(entry) + ": " + error.what(),
                "reinstall that package; the file is not valid PEP 610 JSON");
  }
  const auto path = file_url_path(direct.url);
  if (!path) return std::nullopt;  // installed from an index or a VCS URL
  direct.path = *path;
  const auto dir_info = json.find("dir_info");
  direct.editable = dir_info != json.end() && dir_info->is_object() && dir_info->value("editable", false);
  return direct;
}

void relocate_direct_url(RelocationContext& context, EditableSources& sources, DirectUrl& direct) {
  // A non-editable install from a local folder keeps no tie to it: only say
  // where it now is when that folder is shipped anyway.
  const auto image = direct.editable ? sources.place(direct.path, PathOrigin{direct.entry})
                                     : context.moved_paths.map(direct.path);
  if (!image) return;
  const std::string old_json = nlohmann::json(direct.url).dump();
  const std::string new_json = nlohmann::json(file_url(*image)).dump();
  std::string text = direct.text;
  if (const auto at = text.find(old_json); at != std::string::npos) {
    text.replace(at, old_json.size(), new_json);  // keeps pip's key order and spacing
  } else {
    nlohmann::json json = nlohmann::json::parse(text);
    json["url"] = file_url(*image);
    text = json.dump();
  }
  context.rewrite(*direct.entry, std::move(text));
}

// `<name>.egg-link` (setup.py develop): line 1 is the folder holding the
// .egg-info, line 2 the way back from it to the project ("." or "../").
fs::path egg_link_project(const std::vector<std::string>& lines) {
  auto strip = [](std::string line) { return line.substr(0, line.find_last_not_of(" \t\r\n") + 1); };
  const fs::path egg_path = strip(lines.at(0));
  const std::string back = lines.size() > 1 ? strip(lines[1]) : ".";
  return (egg_path / back).lexically_normal();
}

void relocate_line_file(RelocationContext& context, EditableSources& sources, LayerEntry& entry) {
  std::vector<std::string> lines = split_lines(context.read(entry));
  bool changed = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    changed = relocate_path_line(lines[i], sources, PathOrigin{&entry, i + 1}) || changed;
  }
  if (!changed) return;
  std::string text;
  for (const std::string& line : lines) text += line;
  context.rewrite(entry, std::move(text));
}

// Finds `NAME = <literal>` (or `NAME: <annotation> = <literal>`) at the start
// of a line; returns where the literal starts.
std::optional<std::size_t> find_assignment(const std::string& text, std::string_view name) {
  for (std::size_t line = 0; line < text.size();) {
    const auto newline = text.find('\n', line);
    const std::size_t after = line + name.size();
    if (text.compare(line, name.size(), name) == 0 && after < text.size() &&
        (text[after] == ' ' || text[after] == '=' || text[after] == ':')) {
      const auto equals = text.find('=', after);
      if (equals < newline && text.compare(equals, 2, "==") != 0) return equals + 1;
    }
    if (newline == std::string::npos) break;
    line = newline + 1;
  }
  return std::nullopt;
}

void relocate_finder(RelocationContext& context, EditableSources& sources, LayerEntry& entry) {
  std::string text = context.read(entry);
  bool changed = false;
  for (std::string_view name : {"MAPPING", "NAMESPACES"}) {
    const auto start = find_assignment(text, name);
    if (!start) continue;
    std::size_t end = *start;
    auto [literal, too_deep] = parse_py_literal(text, end);
    if (too_deep) {
      throw Error(std::string(name) + " in " + context.describe(entry) + " nests lists, tuples or dicts deeper than " +
                      std::to_string(k_max_py_literal_depth) + " levels, which no Python could read",
                  "the file is not setuptools' finder: reinstall the editable package (`pip install -e .`), "
                  "or leave the file out with --exclude " + context.exclude_pattern(entry));
    }
    if (!literal) {
      throw Error("cannot parse " + std::string(name) + " in " + context.describe(entry),
                  "reinstall the editable package with a current setuptools (`pip install -e .`)");
    }
    const bool mapped = map_py_strings(*literal, [&](const std::string& path) -> std::optional<std::string> {
      if (path.empty() || path.front() != '/') return std::nullopt;
      return sources.place(path, PathOrigin{&entry});
    });
    if (!mapped) continue;
    std::string value(1, ' ');  // the space after '=' the literal was read without
    value += py_repr(*literal);
    text.replace(*start, end - *start, value);
    changed = true;
  }
  if (changed) context.rewrite(entry, std::move(text));
}

}  // namespace

void relocate_editable_installs(RelocationContext& context) {
  EditableSources sources(context);
  const std::string site = context.site_packages + "/";
  auto in_site = [&](const LayerEntry& entry) {
    return entry.kind == EntryKind::regular && entry.size < max_text_size && entry.path.starts_with(site);
  };

  // Every editable project first, so a path inside one copies the whole project.
  std::vector<DirectUrl> direct_urls;
  for (LayerEntry* entry : context.select([&](const LayerEntry& e) {
         return in_site(e) && e.path.ends_with(".dist-info/direct_url.json") &&
                std::count(e.path.begin() + site.size(), e.path.end(), '/') == 1;
       })) {
    if (auto direct = read_direct_url(context, *entry)) {
      if (direct->editable) sources.add_root(direct->path);
      direct_urls.push_back(std::move(*direct));
    }
  }
  std::vector<LayerEntry*> egg_links = context.children(context.site_packages);
  std::erase_if(egg_links, [&](LayerEntry* e) { return !in_site(*e) || !e->path.ends_with(".egg-link"); });
  for (LayerEntry* entry : egg_links) {
    const auto lines = split_lines(context.read(*entry));
    if (!lines.empty() && lines[0].starts_with("/")) sources.add_root(egg_link_project(lines));
  }

  for (DirectUrl& direct : direct_urls) relocate_direct_url(context, sources, direct);
  for (LayerEntry* entry : egg_links) relocate_line_file(context, sources, *entry);
  for (LayerEntry* entry : context.children(context.site_packages)) {
    if (!in_site(*entry)) continue;
    const std::string name = entry_name(*entry);
    // site.py treats each non-import line of a .pth as a folder to add.
    if (name.ends_with(".pth")) relocate_line_file(context, sources, *entry);
    if (name.starts_with("__editable___") && name.ends_with("_finder.py")) relocate_finder(context, sources, *entry);
  }
}

}  // namespace venv2docker
