// This Debian host's own dpkg status: real data for the Debian package tests.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "debian/deb822.h"

namespace venv2docker::test {

struct HostDpkgStatus {
  std::string text;
  std::string arch;  // dpkg's own architecture, the host's
};

inline HostDpkgStatus read_host_dpkg_status() {
  HostDpkgStatus status;
  std::ifstream file("/var/lib/dpkg/status");
  std::stringstream text;
  text << file.rdbuf();
  status.text = text.str();
  for (const auto& paragraph : debian::parse_deb822(status.text, "/var/lib/dpkg/status")) {
    if (paragraph.get("Package") == "dpkg") status.arch = paragraph.value_or_empty("Architecture");
  }
  return status;
}

}  // namespace venv2docker::test
