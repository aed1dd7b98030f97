// What the base image says about apt and dpkg: its sources, the keyrings
// each source trusts, dpkg's status, its path-exclude rules and its Debian
// architecture. Everything is read from the base's file index, so the
// packages are those apt-get would pick inside that image.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "debian/apt_sources.h"
#include "debian/openpgp_verify.h"
#include "image/image.h"
#include "layer/file_index.h"

namespace venv2docker::debian {

/// Debian's name for the image's architecture ("amd64", "arm64", "armhf").
/// Throws Error for one Debian does not build.
std::string debian_architecture(const Image& image);

/// The files whose bytes BaseAptConfig reads: apt's configuration and
/// keyrings, dpkg's configuration, status and alternatives.
ContentSelection apt_config_contents();

class BaseAptConfig {
 public:
  /// `files` must hold the bytes apt_config_contents() selects.
  BaseAptConfig(const FileIndex& files, std::string arch);

  const std::string& arch() const { return m_arch; }
  /// /etc/apt/sources.list, then sources.list.d/*.list and *.sources in name order.
  std::vector<AptSource> sources() const;
  /// The keyrings `source` trusts: its Signed-By files (in the image, or on
  /// the host for --apt-source) or inline key, else /etc/apt/trusted.gpg and
  /// /etc/apt/trusted.gpg.d/*.gpg|*.asc. Throws Error for a Signed-By file
  /// that is missing.
  std::vector<Keyring> keyrings_for(const AptSource& source) const;
  /// dpkg's status file ("" when the base has none: then it has no dpkg).
  std::string dpkg_status() const;
  bool has_dpkg() const;
  /// True when dpkg's path-exclude/path-include rules (dpkg.cfg and
  /// dpkg.cfg.d/*) keep `path` out of the image; the last matching rule wins.
  bool excluded_by_dpkg(const std::string& path) const;
  /// Alternatives update-alternatives already manages in the base.
  std::vector<std::string> managed_alternatives() const;

 private:
  std::optional<std::string> content_of(const std::string& path) const;
  std::vector<std::string> files_in(const std::string& folder, const std::vector<std::string>& suffixes) const;

  const FileIndex& m_files;
  std::string m_arch;
  struct PathRule {
    std::string glob;
    bool include;
  };
  std::vector<PathRule> m_path_rules;
};

}  // namespace venv2docker::debian
