#include "util/terminal_text.h"

#include <cstdio>

namespace venv2docker {

namespace {

// How many bytes the UTF-8 sequence at `text[at]` takes, or 0 if it is not
// one (a stray continuation byte, an overlong or truncated sequence).
std::size_t utf8_sequence_length(std::string_view text, std::size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  std::size_t length = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 && lead < 0xE0 ? 2 : 0;
  if (lead >= 0xF5 || length == 0 || at + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((static_cast<unsigned char>(text[at + i]) & 0xC0) != 0x80) return 0;
  }
  const auto second = static_cast<unsigned char>(text[at + 1]);
  if ((lead == 0xE0 && second < 0xA0) || (lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second > 0x8F)) return 0;
  return length;
}

void append_escaped(std::string& out, unsigned char byte) {
  char escaped[5];
  std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
  out += escaped;
}

std::string escape_controls(std::string_view text, std::size_t max_bytes, bool keep_line_breaks) {
  std::string out;
  std::size_t at = 0;
  while (at < text.size() && out.size() < max_bytes) {
    const auto byte = static_cast<unsigned char>(text[at]);
    if (byte < 0x80) {
      const bool line_break = byte == '\n' || byte == '\t';
      if ((byte < 0x20 && !(keep_line_breaks && line_break)) || byte == 0x7F) {
        append_escaped(out, byte);
      } else {
        out += static_cast<char>(byte);
      }
      ++at;
      continue;
    }
    const std::size_t length = utf8_sequence_length(text, at);
    // U+0080..U+009F (C2 80..C2 9F) are the C1 controls, CSI among them.
    const bool c1 = length == 2 && byte == 0xC2 && static_cast<unsigned char>(text[at + 1]) < 0xA0;
    if (length == 0 || c1) {
      append_escaped(out, byte);
      ++at;
    } else {
      out.append(text, at, length);
      at += length;
    }
  }
  if (at < text.size()) out += "...";
  return out;
}

}  // namespace

std::string terminal_safe(std::string_view text, std::size_t max_bytes) {
  return escape_controls(text, max_bytes, true);
}

std::string outside_text(std::string_view text, std::size_t max_bytes) {
  return escape_controls(text, max_bytes, false);
}

}  // namespace venv2docker
