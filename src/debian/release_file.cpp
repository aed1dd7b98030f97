#include "debian/release_file.h"

#include <charconv>
#include <ctime>

#include "debian/deb822.h"
#include "store/digest.h"
#include "util/error.h"
#include "util/text_util.h"

namespace venv2docker::debian {

namespace {

bool is_sha256_hex(std::string_view text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// Digits only, and no more than a size can hold.
bool parse_size(std::string_view text, std::uint64_t& size) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), size);
  return ec == std::errc() && end == text.data() + text.size();
}

// RFC 2822 dates as Release files write them: "Sat, 10 Jun 2023 08:56:49 UTC".
std::optional<std::time_t> parse_release_date(std::string_view text) {
  std::tm parts{};
  std::string copy(text);
  const char* end = strptime(copy.c_str(), "%a, %d %b %Y %H:%M:%S", &parts);
  if (!end) return std::nullopt;
  return timegm(&parts);
}

}  // namespace

ReleaseFile parse_release(std::string_view text, const std::string& url) {
  std::vector<Paragraph> paragraphs = parse_deb822(text, url);
  if (paragraphs.empty()) throw Error(url + " is empty");
  const Paragraph& release = paragraphs.front();
  ReleaseFile result;
  result.suite = std::string(release.value_or_empty("Suite"));
  result.codename = std::string(release.value_or_empty("Codename"));
  result.text_sha256 = std::string(sha256_of(text).hex());
  if (auto date = release.get("Date")) {
    result.date = parse_release_date(*date);
    if (!result.date) throw Error(url + ": cannot read its Date \"" + std::string(*date) + "\"");
  }
  const auto says_yes = [&](std::string_view field) { return ascii_lower(trim(release.value_or_empty(field))) == "yes"; };
  if (says_yes("NotAutomatic")) {
    result.pin_priority = says_yes("ButAutomaticUpgrades") ? k_pin_but_automatic_upgrades : k_pin_not_automatic;
  }
  if (auto valid_until = release.get("Valid-Until")) {
    auto until = parse_release_date(*valid_until);
    if (!until) throw Error(url + ": cannot read its Valid-Until date \"" + std::string(*valid_until) + "\"");
    if (*until < std::time(nullptr)) {
      throw Error(url + " expired on " + std::string(*valid_until),
                  "the mirror is out of date (or replays an old Release); use a current mirror with --apt-source");
    }
  }
  auto listing = release.get("SHA256");
  if (!listing) {
    throw Error(url + " lists no SHA256 hashes", "apt refuses such archives too (MD5 and SHA-1 are not secure)");
  }
  for (const auto& line : value_lines(*listing)) {
    std::vector<std::string> fields = split_nonempty(line, ' ');
    std::uint64_t size = 0;
    if (fields.size() != 3 || !is_sha256_hex(fields[0]) || !parse_size(fields[1], size)) {
      throw Error(url + ": malformed SHA256 entry \"" + line + "\"");
    }
    result.files[fields[2]] = IndexFile{fields[0], size};
  }
  return result;
}

bool release_is_for_suite(const ReleaseFile& release, std::string_view suite) {
  const auto names = [&](std::string_view name) { return release.suite == name || release.codename == name; };
  if (names(suite)) return true;
  auto slash = suite.rfind('/');
  return slash != std::string_view::npos && names(suite.substr(0, slash));
}

std::string format_release_date(std::time_t date) {
  std::tm parts{};
  gmtime_r(&date, &parts);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S UTC", &parts);
  return text;
}

}  // namespace venv2docker::debian
