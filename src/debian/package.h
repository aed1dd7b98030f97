// One binary package as a Packages index or dpkg's status file describes it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "debian/deb822.h"
#include "debian/pin_priority.h"
#include "debian/relations.h"

namespace venv2docker::debian {

struct Package {
  std::string name, version, architecture, multi_arch;
  /// The source package and its version ("Source: name (version)"; both
  /// default to the binary's own).
  std::string source, source_version;
  bool essential = false;
  /// "Important: yes" or "Protected: yes": apt prefers such a provider.
  bool important = false;
  /// The Priority field as apt ranks it (1 required, 2 important, 3 standard,
  /// 4 optional, 5 extra or unknown; 0 when absent): among providers apt
  /// prefers the lower rank.
  int priority_rank = 0;
  /// apt's pin priority for this version, from where it came: 500 for a
  /// source, 100 (NotAutomatic with ButAutomaticUpgrades) or 1 (NotAutomatic)
  /// when its Release says so, 100 for dpkg's status (pin_priority.h).
  int pin_priority = k_pin_default;
  std::vector<Alternatives> pre_depends, depends, conflicts, breaks;
  /// Every package name the stanza's relationship fields mention (Recommends,
  /// Suggests and Enhances too), in the order apt's cache generator meets
  /// them: the order in which apt numbers packages, its last tie-break
  /// between providers. Moved out by PackageUniverse when it is added.
  std::vector<std::string> mentioned;
  /// Provides and Replaces allow no alternatives, so they are flat lists.
  std::vector<Relation> provides, replaces;
  /// Where the .deb lies below the archive's root (Packages indexes only).
  std::string filename;
  std::uint64_t size = 0;
  std::string sha256;
  std::uint64_t installed_size = 0;  // KiB
  /// Which index or file it came from, for messages.
  std::string origin;
  /// The archive root its Filename is relative to (the source's URI).
  std::string archive_uri;

  /// "libc6 2.36-9", for messages.
  std::string label() const { return name + " " + version; }
};

/// Whether `provider` meets `relation` through its Provides: any provision
/// for an unversioned relation, only "(= version)" provisions for a versioned one.
bool provides_for(const Package& provider, const Relation& relation);

/// Reads one stanza. Throws Error naming `origin` when Package or Version is
/// missing or malformed, or a relationship or size field cannot be read.
Package package_from_paragraph(const Paragraph& paragraph, std::string_view host_arch, std::string_view origin);

/// Whether a stanza of dpkg's status file is an installed package: its Status
/// ("want flag status") ends in "installed", whatever the selection.
bool is_installed(const Paragraph& status_paragraph);

/// The installed packages of dpkg's status file: entries whose Status says
/// "installed" (whatever the selection, so held packages count), for
/// `host_arch` or "all" (foreign-architecture multiarch packages are left out).
std::vector<Package> parse_dpkg_status(std::string_view text, std::string_view host_arch, std::string_view origin);

/// The packages of a Packages index that are for `host_arch` or "all".
std::vector<Package> parse_packages_index(std::string_view text, std::string_view host_arch, std::string_view origin);

}  // namespace venv2docker::debian
