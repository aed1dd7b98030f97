// Standard base64 (RFC 4648, with padding), for Basic credentials.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace venv2docker {

std::string base64_encode(std::string_view bytes);
/// std::nullopt for anything that is not base64 (padding optional, no spaces).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace venv2docker
