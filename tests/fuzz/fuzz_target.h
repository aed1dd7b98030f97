// What every fuzz target shares. A target is one LLVMFuzzerTestOneInput over
// one parser; it runs under libFuzzer (the fuzzing build, scripts/fuzz) and
// under replay_main.cpp (the normal build's replay tests), so it uses nothing
// but the library and this header.
//
// A thrown venv2docker::Error is an expected outcome: the input was refused
// with a message. Anything else that escapes (a json type_error, out_of_range,
// a crash, a sanitizer report) is a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "util/error.h"

namespace venv2docker::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// The input cut at the first occurrence of `separator`: a target that takes
/// two inputs (a manifest and its config, two versions) reads them from one.
inline std::pair<std::string_view, std::string_view> split_once(std::string_view text, std::string_view separator) {
  auto at = text.find(separator);
  if (at == std::string_view::npos) return {text, {}};
  return {text.substr(0, at), text.substr(at + separator.size())};
}

/// A folder of this process's own, made on first use and emptied at exit:
/// for the parsers that read files or a blob store.
const std::filesystem::path& scratch_folder();

/// Runs `body`, with a venv2docker::Error taken as the expected refusal.
template <typename Body>
int refusal_allowed(Body&& body) {
  try {
    body();
  } catch (const Error&) {
  }
  return 0;
}

}  // namespace venv2docker::fuzz
