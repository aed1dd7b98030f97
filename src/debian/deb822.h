// Debian's control-file format (deb822): paragraphs of "Name: value" fields
// separated by blank lines, with continuation lines starting with a space or
// tab. Packages indexes, Release files, dpkg's status and .sources files all
// use it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace venv2docker::debian {

struct Field {
  std::string name;
  /// The value: the first line without its leading blanks, then each
  /// continuation line (leading space kept, as dpkg keeps it) after a '\n'.
  std::string value;
};

class Paragraph {
 public:
  /// The value of the field called `name` (case-insensitive), if present.
  std::optional<std::string_view> get(std::string_view name) const;
  /// get(name), or "" when absent.
  std::string_view value_or_empty(std::string_view name) const;
  /// Replaces the field's value, or appends the field when absent.
  void set(std::string_view name, std::string value);
  const std::vector<Field>& fields() const { return m_fields; }
  /// The paragraph as deb822 text, one field per line, ending in '\n'.
  std::string text() const;
  bool empty() const { return m_fields.empty(); }

  void append(Field field) { m_fields.push_back(std::move(field)); }
  /// Adds a continuation line to the last field (there must be one).
  void continue_last(std::string_view line) {
    m_fields.back().value += '\n';
    m_fields.back().value += line;
  }

 private:
  std::vector<Field> m_fields;
};

/// Parses `text`. Lines starting with '#' are comments (.sources files allow
/// them). `origin` names the file or URL in errors: a line that is neither a
/// field, a continuation nor blank throws Error naming it and the line number.
std::vector<Paragraph> parse_deb822(std::string_view text, std::string_view origin);

/// As parse_deb822, handing each paragraph to `visit` as soon as it is read,
/// so a 60,000-package index never exists as paragraphs all at once.
void for_each_paragraph(std::string_view text, std::string_view origin, const std::function<void(Paragraph&&)>& visit);

/// The lines of a multi-line field value, each trimmed, empty ones dropped
/// (the SHA256 list of a Release file, Conffiles of a status entry).
std::vector<std::string> value_lines(std::string_view value);

}  // namespace venv2docker::debian
