#include "sbom/purl.h"

#include <cctype>
#include <cstdio>

#include "venv/installed_distributions.h"

namespace venv2docker {

std::string purl_encode(std::string_view text) {
  std::string encoded;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      char escape[4];
      std::snprintf(escape, sizeof escape, "%%%02X", c);
      encoded += escape;
    }
  }
  return encoded;
}

std::string pypi_purl(std::string_view name, std::string_view version) {
  return "pkg:pypi/" + purl_encode(normalized_distribution_name(name)) + "@" + purl_encode(version);
}

std::string deb_purl(std::string_view name, std::string_view version, std::string_view arch) {
  std::string purl = "pkg:deb/debian/" + purl_encode(name) + "@" + purl_encode(version);
  if (!arch.empty()) purl += "?arch=" + purl_encode(arch);
  return purl;
}

}  // namespace venv2docker
