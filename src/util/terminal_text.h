// Text that came from outside (a registry's answer, a helper's stderr, a file
// name from a venv or a base) made safe to print on a terminal: no byte of it
// can move the cursor, retitle the window or forge a line of ours.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace venv2docker {

/// What a message printed whole may hold at most: enough for pip's last lines
/// and a long list of paths, never a flood from a hostile source.
inline constexpr std::size_t k_max_printed_message = std::size_t{64} << 10;

/// `text` with every control character (C0 but newline and tab, DEL, C1
/// including CSI, and bytes that are not UTF-8) written as `\xNN`, cut to
/// `max_bytes` with "..." after. Valid UTF-8 is kept as it is.
std::string terminal_safe(std::string_view text, std::size_t max_bytes = k_max_printed_message);

/// The same for one piece of outside text inside a message of ours: newlines
/// and tabs escaped too, so it stays on its line.
std::string outside_text(std::string_view text, std::size_t max_bytes);

}  // namespace venv2docker
