#include "debian/apt_sources.h"

#include <algorithm>

#include "debian/deb822.h"
#include "util/error.h"
#include "util/text_util.h"

namespace venv2docker::debian {

namespace {

std::string without_trailing_slash(std::string uri) {
  while (uri.size() > 1 && uri.back() == '/') uri.pop_back();
  return uri;
}

// An "arch" option (amd64,arm64) or Architectures field: does it include ours?
bool for_architecture(std::string_view list, std::string_view arch) {
  if (list.empty()) return true;
  for (const auto& item : split_nonempty(std::string(list), ',')) {
    for (const auto& word : split_words(item)) {
      if (word == arch) return true;
    }
  }
  return false;
}

bool is_yes(std::string_view value) {
  std::string lower = ascii_lower(trim(value));
  return lower == "yes" || lower == "true" || lower == "with" || lower == "on" || lower == "enable";
}

void check_source(const AptSource& source) {
  if (!source.uri.starts_with("http://") && !source.uri.starts_with("https://")) {
    throw Error(source.origin + ": the source " + source.uri + " is not an http:// or https:// archive",
                "venv2docker fetches packages over HTTP(S) only; give one with --apt-source");
  }
  if (source.suite.ends_with('/')) {
    throw Error(source.origin + ": flat repositories (suite \"" + source.suite + "\") are not supported",
                "use an archive with dists/SUITE/, or leave this source out with --apt-replace-sources");
  }
  if (source.components.empty()) throw Error(source.origin + ": no components after the suite " + source.suite);
}

// "[arch=amd64 signed-by=/usr/share/keyrings/x.gpg]" (one-line form).
void apply_options(std::string_view options, AptSource& source, bool& wanted, std::string_view arch) {
  for (const auto& option : split_words(options)) {
    auto equals = option.find('=');
    if (equals == std::string::npos) {
      throw Error(source.origin + ": \"" + option + "\" is not a KEY=VALUE option");
    }
    std::string key = option.substr(0, equals);
    std::string value = option.substr(equals + 1);
    if (key == "arch") {
      wanted = wanted && for_architecture(value, arch);
    } else if (key == "signed-by") {
      source.signed_by = split_nonempty(value, ',');
    } else if (key == "trusted") {
      source.trusted = is_yes(value);
    }
  }
}

}  // namespace

std::vector<AptSource> parse_source_lines(std::string_view text, std::string_view origin, std::string_view arch) {
  std::vector<AptSource> sources;
  std::size_t line_number = 0;
  for (std::string_view rest = text; !rest.empty();) {
    auto end = rest.find('\n');
    std::string line(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    ++line_number;
    if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    line = trim(line);
    if (line.empty()) continue;
    AptSource source;
    source.origin = std::string(origin) + " line " + std::to_string(line_number);
    std::string type = line.substr(0, line.find_first_of(" \t"));
    if (type != "deb" && type != "deb-src") {
      throw Error(source.origin + ": \"" + line + "\" is not a deb or deb-src line");
    }
    std::string after_type = trim(std::string_view(line).substr(type.size()));
    bool wanted = type == "deb";
    if (after_type.starts_with('[')) {
      auto close = after_type.find(']');
      if (close == std::string::npos) throw Error(source.origin + ": an option list \"[\" that is never closed");
      apply_options(std::string_view(after_type).substr(1, close - 1), source, wanted, arch);
      after_type = after_type.substr(close + 1);
    }
    std::vector<std::string> fields = split_words(after_type);
    if (fields.size() < 2) throw Error(source.origin + ": \"" + line + "\" needs a URI and a suite");
    if (!wanted) continue;
    source.uri = without_trailing_slash(fields[0]);
    source.suite = fields[1];
    source.components.assign(fields.begin() + 2, fields.end());
    check_source(source);
    sources.push_back(std::move(source));
  }
  return sources;
}

std::vector<AptSource> parse_source_paragraphs(std::string_view text, std::string_view origin, std::string_view arch) {
  std::vector<AptSource> sources;
  std::size_t number = 0;
  for (const auto& paragraph : parse_deb822(text, origin)) {
    ++number;
    std::string where = std::string(origin) + " entry " + std::to_string(number);
    if (auto enabled = paragraph.get("Enabled"); enabled && !is_yes(*enabled)) continue;
    if (!for_architecture(paragraph.value_or_empty("Architectures"), arch)) continue;
    std::vector<std::string> types = split_words(paragraph.value_or_empty("Types"));
    if (std::find(types.begin(), types.end(), "deb") == types.end()) continue;
    std::vector<std::string> uris = split_words(paragraph.value_or_empty("URIs"));
    std::vector<std::string> suites = split_words(paragraph.value_or_empty("Suites"));
    if (uris.empty() || suites.empty()) throw Error(where + ": needs URIs and Suites");
    AptSource common;
    common.origin = where;
    common.components = split_words(paragraph.value_or_empty("Components"));
    common.trusted = is_yes(paragraph.value_or_empty("Trusted"));
    if (auto signed_by = paragraph.get("Signed-By")) {
      // Either key files or fingerprints, or an inline armored key block.
      if (signed_by->find("BEGIN PGP PUBLIC KEY BLOCK") != std::string_view::npos) {
        std::string block;
        for (const auto& line : split_nonempty(*signed_by, '\n')) {
          std::string trimmed = trim(line);
          block += (trimmed == "." ? std::string() : trimmed) + "\n";
        }
        common.signed_by = {block};
      } else {
        common.signed_by = split_words(*signed_by);
      }
    }
    for (const auto& uri : uris) {
      for (const auto& suite : suites) {
        AptSource source = common;
        source.uri = without_trailing_slash(uri);
        source.suite = suite;
        check_source(source);
        sources.push_back(std::move(source));
      }
    }
  }
  return sources;
}

}  // namespace venv2docker::debian
