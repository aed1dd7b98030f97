// A registry's WWW-Authenticate header values (one a line), a token
// service's answer, and a token whose grants are read (the same bytes).
#include <chrono>
#include <vector>

#include "fuzz_target.h"
#include "remote/registry_auth.h"

using namespace venv2docker;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  std::vector<std::string> values;
  for (std::string_view rest = text; !rest.empty();) {
    auto [line, after] = fuzz::split_once(rest, "\n");
    values.emplace_back(line);
    if (line.size() == rest.size()) break;
    rest = after;
  }
  fuzz::refusal_allowed([&] {
    for (const Challenge& challenge : parse_challenges(values)) {
      (void)challenge.param("realm");
      if (!challenge.param("realm").empty()) check_token_realm(challenge.param("realm"), "registry.example", false);
    }
  });
  fuzz::refusal_allowed(
      [&] { (void)parse_token_response(std::string(text), std::chrono::steady_clock::now(), "fuzz token service"); });
  (void)token_grants(text, "library/python");
  return 0;
}
