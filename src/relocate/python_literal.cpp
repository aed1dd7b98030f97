#include "relocate/python_literal.h"

#include <cctype>
#include <cstdio>

namespace venv2docker {

namespace {

void skip_spaces(std::string_view text, std::size_t& pos) {
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' || text[pos] == '\r')) ++pos;
}

void append_utf8(std::string& out, char32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

std::optional<char32_t> parse_hex(std::string_view digits) {
  char32_t value = 0;
  for (char c : digits) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    value = value * 16 + static_cast<char32_t>(std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(c) - 'a' + 10));
  }
  return value;
}

// One escape sequence after the backslash at text[pos]; appends its value.
bool parse_escape(std::string_view text, std::size_t& pos, std::string& out) {
  if (pos >= text.size()) return false;
  const char c = text[pos++];
  switch (c) {
    case '\n': return true;  // line continuation
    case '\\': case '\'': case '"': out += c; return true;
    case 'a': out += '\a'; return true;
    case 'b': out += '\b'; return true;
    case 'f': out += '\f'; return true;
    case 'n': out += '\n'; return true;
    case 'r': out += '\r'; return true;
    case 't': out += '\t'; return true;
    case 'v': out += '\v'; return true;
    case 'x': case 'u': case 'U': {
      const std::size_t width = c == 'x' ? 2 : c == 'u' ? 4 : 8;
      if (pos + width > text.size()) return false;
      const auto code = parse_hex(text.substr(pos, width));
      if (!code || *code > 0x10FFFF) return false;
      append_utf8(out, *code);
      pos += width;
      return true;
    }
    default:
      if (c >= '0' && c <= '7') {
        char32_t code = static_cast<char32_t>(c - '0');
        for (int digits = 1; digits < 3 && pos < text.size() && text[pos] >= '0' && text[pos] <= '7'; ++digits) {
          code = code * 8 + static_cast<char32_t>(text[pos++] - '0');
        }
        append_utf8(out, code);
        return true;
      }
      // Python keeps unknown escapes as they are.
      out += '\\';
      out += c;
      return true;
  }
}

std::optional<PyLiteral> parse_string(std::string_view text, std::size_t& pos) {
  bool raw = false;
  while (pos < text.size() && std::string_view("rRuU").find(text[pos]) != std::string_view::npos) {
    raw = raw || text[pos] == 'r' || text[pos] == 'R';
    ++pos;
  }
  if (pos >= text.size() || (text[pos] != '\'' && text[pos] != '"')) return std::nullopt;
  const char quote = text[pos];
  const bool triple = text.substr(pos, 3) == std::string(3, quote);
  const std::string closing = triple ? std::string(3, quote) : std::string(1, quote);
  pos += closing.size();
  PyLiteral literal;
  while (pos < text.size()) {
    if (text.substr(pos, closing.size()) == closing) {
      pos += closing.size();
      return literal;
    }
    const char c = text[pos++];
    if (c == '\n' && !triple) return std::nullopt;
    if (c != '\\') {
      literal.text += c;
    } else if (raw) {
      // A raw string keeps the backslash, and it still protects a quote.
      literal.text += c;
      if (pos < text.size()) literal.text += text[pos++];
    } else if (!parse_escape(text, pos, literal.text)) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<PyLiteral> parse_value(std::string_view text, std::size_t& pos, std::size_t depth, bool& too_deep);

// `depth` counts the containers this one is inside of.
std::optional<PyLiteral> parse_container(std::string_view text, std::size_t& pos, std::size_t depth, bool& too_deep) {
  if (depth >= k_max_py_literal_depth) {
    too_deep = true;
    return std::nullopt;
  }
  PyLiteral literal;
  const char open = text[pos++];
  literal.kind = open == '[' ? PyLiteral::Kind::list : open == '(' ? PyLiteral::Kind::tuple : PyLiteral::Kind::dict;
  const char close = open == '[' ? ']' : open == '(' ? ')' : '}';
  const bool is_dict = literal.kind == PyLiteral::Kind::dict;
  while (true) {
    skip_spaces(text, pos);
    if (pos < text.size() && text[pos] == close) break;
    auto item = parse_value(text, pos, depth + 1, too_deep);
    if (!item) return std::nullopt;
    literal.items.push_back(std::move(*item));
    if (is_dict) {
      skip_spaces(text, pos);
      if (pos >= text.size() || text[pos] != ':') return std::nullopt;
      ++pos;
      auto value = parse_value(text, pos, depth + 1, too_deep);
      if (!value) return std::nullopt;
      literal.items.push_back(std::move(*value));
    }
    skip_spaces(text, pos);
    if (pos < text.size() && text[pos] == ',') {
      ++pos;
      continue;
    }
    skip_spaces(text, pos);
    if (pos >= text.size() || text[pos] != close) return std::nullopt;
    break;
  }
  if (pos >= text.size()) return std::nullopt;
  ++pos;
  return literal;
}

std::string repr_string(const std::string& value) {
  // repr() prefers single quotes, and switches only to avoid escaping one.
  const bool use_double = value.find('\'') != std::string::npos && value.find('"') == std::string::npos;
  const char quote = use_double ? '"' : '\'';
  std::string out(1, quote);
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == quote || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7F) {
      char escape[5];
      std::snprintf(escape, sizeof escape, "\\x%02x", byte);
      out += escape;
    } else {
      out += c;  // printable, including UTF-8 text
    }
  }
  out += quote;
  return out;
}

std::optional<PyLiteral> parse_value(std::string_view text, std::size_t& pos, std::size_t depth, bool& too_deep) {
  skip_spaces(text, pos);
  if (pos >= text.size()) return std::nullopt;
  const char c = text[pos];
  if (c == '[' || c == '(' || c == '{') return parse_container(text, pos, depth, too_deep);
  return parse_string(text, pos);
}

}  // namespace

ParsedPyLiteral parse_py_literal(std::string_view text, std::size_t& pos) {
  ParsedPyLiteral parsed;
  parsed.literal = parse_value(text, pos, 0, parsed.too_deep);
  return parsed;
}

std::string py_repr(const PyLiteral& literal) {
  switch (literal.kind) {
    case PyLiteral::Kind::string:
      return repr_string(literal.text);
    case PyLiteral::Kind::dict: {
      std::string out = "{";
      for (std::size_t i = 0; i + 1 < literal.items.size(); i += 2) {
        if (i > 0) out += ", ";
        out += py_repr(literal.items[i]) + ": " + py_repr(literal.items[i + 1]);
      }
      return out + "}";
    }
    case PyLiteral::Kind::list:
    case PyLiteral::Kind::tuple: {
      const bool list = literal.kind == PyLiteral::Kind::list;
      std::string out = list ? "[" : "(";
      for (std::size_t i = 0; i < literal.items.size(); ++i) {
        if (i > 0) out += ", ";
        out += py_repr(literal.items[i]);
      }
      if (!list && literal.items.size() == 1) out += ",";
      return out + (list ? "]" : ")");
    }
  }
  return {};
}

bool map_py_strings(PyLiteral& literal, const std::function<std::optional<std::string>(const std::string&)>& change) {
  if (literal.kind == PyLiteral::Kind::string) {
    auto changed = change(literal.text);
    if (!changed || *changed == literal.text) return false;
    literal.text = std::move(*changed);
    return true;
  }
  bool any = false;
  const bool is_dict = literal.kind == PyLiteral::Kind::dict;
  for (std::size_t i = 0; i < literal.items.size(); ++i) {
    if (is_dict && i % 2 == 0) continue;  // keys are module names, not paths
    any = map_py_strings(literal.items[i], change) || any;
  }
  return any;
}

}  // namespace venv2docker
