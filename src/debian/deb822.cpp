#include "debian/deb822.h"

#include <algorithm>

#include "util/error.h"
#include "util/text_util.h"

namespace venv2docker::debian {

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Field names are case-insensitive ("SHA256" and "Sha256" are one field).
bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

}  // namespace

std::optional<std::string_view> Paragraph::get(std::string_view name) const {
  for (const auto& field : m_fields) {
    if (same_name(field.name, name)) return std::string_view(field.value);
  }
  return std::nullopt;
}

std::string_view Paragraph::value_or_empty(std::string_view name) const { return get(name).value_or(""); }

void Paragraph::set(std::string_view name, std::string value) {
  for (auto& field : m_fields) {
    if (same_name(field.name, name)) {
      field.value = std::move(value);
      return;
    }
  }
  m_fields.push_back({std::string(name), std::move(value)});
}

std::string Paragraph::text() const {
  std::string out;
  for (const auto& field : m_fields) {
    out += field.name;
    out += field.value.empty() || field.value.front() == '\n' ? ":" : ": ";
    out += field.value;
    out += '\n';
  }
  return out;
}

std::vector<Paragraph> parse_deb822(std::string_view text, std::string_view origin) {
  std::vector<Paragraph> paragraphs;
  for_each_paragraph(text, origin, [&](Paragraph&& paragraph) { paragraphs.push_back(std::move(paragraph)); });
  return paragraphs;
}

void for_each_paragraph(std::string_view text, std::string_view origin, const std::function<void(Paragraph&&)>& visit) {
  Paragraph current;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.starts_with('#')) continue;
    if (trim(line).empty()) {
      if (!current.empty()) visit(std::move(current));
      current = Paragraph();
      continue;
    }
    if (line.front() == ' ' || line.front() == '\t') {
      if (current.empty()) {
        throw Error(std::string(origin) + " line " + std::to_string(line_number) +
                    ": a continuation line with no field before it");
      }
      current.continue_last(line);
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      throw Error(std::string(origin) + " line " + std::to_string(line_number) + ": \"" + std::string(line) +
                  "\" is not a \"Field: value\" line");
    }
    current.append({std::string(line.substr(0, colon)), trim(line.substr(colon + 1))});
  }
  if (!current.empty()) visit(std::move(current));
}

std::vector<std::string> value_lines(std::string_view value) {
  std::vector<std::string> lines;
  for (const auto& line : split_nonempty(value, '\n')) {
    std::string trimmed = trim(line);
    if (!trimmed.empty()) lines.push_back(std::move(trimmed));
  }
  return lines;
}

}  // namespace venv2docker::debian
