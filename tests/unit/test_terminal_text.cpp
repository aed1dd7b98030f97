// Outside text printed on a terminal: no control character gets through, valid
// UTF-8 does, and the length is bounded.
#include <catch2/catch.hpp>

#include <string>

#include "util/terminal_text.h"

using namespace venv2docker;

TEST_CASE("terminal text: escapes C0, DEL, C1 and ESC sequences, keeps UTF-8", "[terminal_text]") {
  // A window-title change and a clear-screen, as a hostile registry would send.
  const std::string hostile = "denied\x1b]0;pwned\x07\x1b[2J\x1b[31mred\x7f";
  const std::string safe = terminal_safe(hostile);
  CHECK(safe.find('\x1b') == std::string::npos);
  CHECK(safe.find('\x07') == std::string::npos);
  CHECK(safe.find('\x7f') == std::string::npos);
  CHECK(safe == "denied\\x1b]0;pwned\\x07\\x1b[2J\\x1b[31mred\\x7f");
  // U+009B (CSI) as UTF-8, and the raw 8-bit CSI byte that is not UTF-8.
  CHECK(terminal_safe("a\xc2\x9b" "2Jb") == "a\\xc2\\x9b2Jb");
  CHECK(terminal_safe("a\x9b" "2Jb") == "a\\x9b2Jb");
  // Names that are UTF-8 stay readable: NFC, CJK, emoji; Latin-1 bytes are escaped.
  CHECK(terminal_safe("caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x90\x8d") == "caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x90\x8d");
  CHECK(terminal_safe("caf\xe9") == "caf\\xe9");
  // A truncated sequence at the end is escaped, not copied.
  CHECK(terminal_safe("x\xe4\xb8") == "x\\xe4\\xb8");
}

TEST_CASE("terminal text: line breaks stay in messages, not in one piece of outside text", "[terminal_text]") {
  CHECK(terminal_safe("line 1\n\tline 2\r") == "line 1\n\tline 2\\x0d");
  CHECK(outside_text("one\nvenv2docker: hint: forged\ttab", 100) == "one\\x0avenv2docker: hint: forged\\x09tab");
}

TEST_CASE("terminal text: bounded, with an ellipsis when cut", "[terminal_text]") {
  CHECK(outside_text(std::string(1000, 'a'), 10) == std::string(10, 'a') + "...");
  CHECK(outside_text("short", 10) == "short");
  CHECK(terminal_safe(std::string(k_max_printed_message * 2, 'b')).size() <= k_max_printed_message + 3);
}
