#include "debian/version.h"

#include <algorithm>

namespace venv2docker::debian {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

struct VersionParts {
  std::string_view epoch;  // "" means 0
  std::string_view upstream;
  std::string_view revision;  // "" means no revision, which sorts as "0"
};

VersionParts split_version(std::string_view version) {
  VersionParts parts;
  const auto colon = version.find(':');
  if (colon != std::string_view::npos) {
    parts.epoch = version.substr(0, colon);
    version.remove_prefix(colon + 1);
  }
  const auto hyphen = version.rfind('-');
  if (hyphen != std::string_view::npos) {
    parts.revision = version.substr(hyphen + 1);
    version = version.substr(0, hyphen);
  }
  parts.upstream = version;
  return parts;
}

// A character's weight in the non-digit runs: '~' before the end of the run,
// the end before letters, letters before everything else.
int weight(char c) {
  if (c == '~') return -1;
  if (is_letter(c)) return static_cast<unsigned char>(c);
  return static_cast<unsigned char>(c) + 256;
}

// Compares digit runs as numbers without converting them, so that runs
// longer than any integer type still order correctly.
int compare_numbers(std::string_view a, std::string_view b) {
  while (!a.empty() && a.front() == '0') a.remove_prefix(1);
  while (!b.empty() && b.front() == '0') b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  const int order = a.compare(b);
  return order < 0 ? -1 : (order > 0 ? 1 : 0);
}

std::string_view take_run(std::string_view& text, bool digits) {
  std::size_t length = 0;
  while (length < text.size() && is_digit(text[length]) == digits) ++length;
  const auto run = text.substr(0, length);
  text.remove_prefix(length);
  return run;
}

int compare_non_digits(std::string_view a, std::string_view b) {
  for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    const int wa = i < a.size() ? weight(a[i]) : 0;
    const int wb = i < b.size() ? weight(b[i]) : 0;
    if (wa != wb) return wa < wb ? -1 : 1;
  }
  return 0;
}

// Policy's algorithm: alternate non-digit and digit runs, left to right.
int compare_part(std::string_view a, std::string_view b) {
  while (!a.empty() || !b.empty()) {
    if (const int order = compare_non_digits(take_run(a, false), take_run(b, false))) return order;
    if (const int order = compare_numbers(take_run(a, true), take_run(b, true))) return order;
  }
  return 0;
}

bool all_of(std::string_view text, bool (*allowed)(char)) { return std::all_of(text.begin(), text.end(), allowed); }

}  // namespace

int compare_versions(std::string_view a, std::string_view b) {
  const auto left = split_version(a);
  const auto right = split_version(b);
  if (const int order = compare_numbers(left.epoch, right.epoch)) return order;
  if (const int order = compare_part(left.upstream, right.upstream)) return order;
  return compare_part(left.revision, right.revision);
}

bool is_valid_version(std::string_view version) {
  const auto colon = version.find(':');
  if (colon != std::string_view::npos && (colon == 0 || !all_of(version.substr(0, colon), is_digit))) return false;
  const auto parts = split_version(version);
  if (parts.upstream.empty()) return false;
  if (version.find('-') != std::string_view::npos && parts.revision.empty()) return false;
  const auto upstream_char = [](char c) {
    return is_digit(c) || is_letter(c) || c == '.' || c == '+' || c == '~' || c == '-' || c == ':';
  };
  const auto revision_char = [](char c) { return is_digit(c) || is_letter(c) || c == '.' || c == '+' || c == '~'; };
  return all_of(parts.upstream, upstream_char) && all_of(parts.revision, revision_char);
}

std::string_view upstream_version(std::string_view version) { return split_version(version).upstream; }

}  // namespace venv2docker::debian
