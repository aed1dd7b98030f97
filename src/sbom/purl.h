// Package URLs (github.com/package-url/purl-spec): how an SBOM names a
// package so scanners can match it against advisories.
#pragma once

#include <string>
#include <string_view>

namespace venv2docker {

/// `text` with every byte outside purl's unreserved set (letters, digits,
/// '.', '-', '_', '~') percent-encoded: "1:2.0+dfsg" -> "1%3A2.0%2Bdfsg".
std::string purl_encode(std::string_view text);

/// "pkg:pypi/NAME@VERSION", NAME in PEP 503 normal form, as the purl spec asks.
std::string pypi_purl(std::string_view name, std::string_view version);

/// "pkg:deb/debian/NAME@VERSION?arch=ARCH" (no arch qualifier when `arch` is empty).
std::string deb_purl(std::string_view name, std::string_view version, std::string_view arch);

}  // namespace venv2docker
