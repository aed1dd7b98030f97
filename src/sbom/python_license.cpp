#include "sbom/python_license.h"

#include <algorithm>
#include <array>
#include <utility>

#include "store/digest.h"
#include "util/text_util.h"

namespace venv2docker {

namespace {

// Trove classifiers that name one license unambiguously. "BSD License" and
// the like name a family, not a license, and stay text.
constexpr std::array<std::pair<std::string_view, std::string_view>, 22> k_classifier_licenses{{
    {"License :: OSI Approved :: MIT License", "MIT"},
    {"License :: OSI Approved :: MIT No Attribution License (MIT-0)", "MIT-0"},
    {"License :: OSI Approved :: Apache Software License", "Apache-2.0"},
    {"License :: OSI Approved :: ISC License (ISCL)", "ISC"},
    {"License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)", "MPL-2.0"},
    {"License :: OSI Approved :: Python Software Foundation License", "PSF-2.0"},
    {"License :: OSI Approved :: GNU General Public License v2 (GPLv2)", "GPL-2.0-only"},
    {"License :: OSI Approved :: GNU General Public License v2 or later (GPLv2+)", "GPL-2.0-or-later"},
    {"License :: OSI Approved :: GNU General Public License v3 (GPLv3)", "GPL-3.0-only"},
    {"License :: OSI Approved :: GNU General Public License v3 or later (GPLv3+)", "GPL-3.0-or-later"},
    {"License :: OSI Approved :: GNU Lesser General Public License v2 (LGPLv2)", "LGPL-2.0-only"},
    {"License :: OSI Approved :: GNU Lesser General Public License v2 or later (LGPLv2+)", "LGPL-2.0-or-later"},
    {"License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)", "LGPL-3.0-only"},
    {"License :: OSI Approved :: GNU Lesser General Public License v3 or later (LGPLv3+)", "LGPL-3.0-or-later"},
    {"License :: OSI Approved :: GNU Affero General Public License v3", "AGPL-3.0-only"},
    {"License :: OSI Approved :: GNU Affero General Public License v3 or later (AGPLv3+)", "AGPL-3.0-or-later"},
    {"License :: OSI Approved :: The Unlicense (Unlicense)", "Unlicense"},
    {"License :: CC0 1.0 Universal (CC0 1.0) Public Domain Dedication", "CC0-1.0"},
    {"License :: OSI Approved :: Eclipse Public License 2.0 (EPL-2.0)", "EPL-2.0"},
    {"License :: OSI Approved :: Boost Software License 1.0 (BSL-1.0)", "BSL-1.0"},
    {"License :: OSI Approved :: zlib/libpng License", "Zlib"},
    {"License :: OSI Approved :: Historical Permission Notice and Disclaimer (HPND)", "HPND"},
}};

// What an SPDX expression may be made of; anything else is prose.
bool looks_like_expression(std::string_view text) {
  if (text.empty() || text.size() > 512) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
           c == '+' || c == ':' || c == '(' || c == ')' || c == ' ';
  });
}

// A License field that is exactly one identifier the classifiers map to
// ("MIT", "apache-2.0"), spelled as SPDX spells it.
std::optional<std::string> known_identifier(std::string_view text) {
  const std::string lower = ascii_lower(trim(text));
  for (const auto& [classifier, identifier] : k_classifier_licenses) {
    if (ascii_lower(identifier) == lower) return std::string(identifier);
  }
  return std::nullopt;
}

DeclaredLicense as_text(std::string text) {
  return DeclaredLicense{license_ref_for(text), std::move(text)};
}

bool says_nothing(std::string_view license) {
  const std::string value = ascii_lower(trim(license));
  return value.empty() || value == "unknown" || value == "none";
}

}  // namespace

std::string license_ref_for(const std::string& text) {
  return "LicenseRef-" + std::string(sha256_of(text).hex().substr(0, 16));
}

DeclaredLicense declared_license(const CoreMetadata& metadata) {
  if (looks_like_expression(metadata.license_expression)) return DeclaredLicense{metadata.license_expression, {}};
  if (!says_nothing(metadata.license_expression)) return as_text(metadata.license_expression);
  if (!says_nothing(metadata.license)) {
    if (auto identifier = known_identifier(metadata.license)) return DeclaredLicense{*identifier, {}};
    return as_text(metadata.license);
  }
  // Several license classifiers: the project offers each (cryptography,
  // packaging and python-dateutil are "Apache or BSD"), so they are alternatives.
  std::vector<std::string> identifiers;
  std::vector<std::string> unknown;
  for (const std::string& classifier : metadata.classifiers) {
    if (!classifier.starts_with("License ::")) continue;
    const auto known = std::find_if(k_classifier_licenses.begin(), k_classifier_licenses.end(),
                                    [&](const auto& entry) { return entry.first == classifier; });
    if (known != k_classifier_licenses.end()) identifiers.emplace_back(known->second);
    else unknown.push_back(classifier);
  }
  if (identifiers.empty() && unknown.empty()) return DeclaredLicense{};
  DeclaredLicense declared;
  if (!unknown.empty()) {
    declared.text = join_with(unknown, "\n");
    identifiers.push_back(license_ref_for(*declared.text));
  }
  declared.expression = join_with(identifiers, " OR ");
  return declared;
}

}  // namespace venv2docker
