// Package relationship fields (Depends, Pre-Depends, Conflicts, Breaks,
// Provides, Replaces): "a (>= 1.0) | b, c [amd64] <!nocheck>".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace venv2docker::debian {

enum class VersionOp { any, less, less_equal, equal, greater_equal, greater };

/// One package named in a relationship field, with its optional version bound.
struct Relation {
  std::string name;
  /// "", "any", "native" or an architecture, from "name:any".
  std::string arch_qualifier;
  VersionOp op = VersionOp::any;
  std::string version;

  /// Whether a package at `candidate_version` meets the version bound.
  bool allows(std::string_view candidate_version) const;
  /// The relation as Debian writes it: "libc6 (>= 2.34)", "python3:any".
  std::string text() const;

  bool operator==(const Relation&) const = default;
};

/// "a | b": any one of them will do.
using Alternatives = std::vector<Relation>;

/// Parses a relationship field: comma-separated groups of '|'-separated
/// alternatives. Relations restricted to other architectures than `host_arch`
/// ("[!amd64]", "[linux-any]") are dropped, and so are groups left empty; build
/// profiles ("<!nocheck>") are ignored. Malformed text throws Error naming
/// `origin`.
std::vector<Alternatives> parse_relations(std::string_view field, std::string_view host_arch, std::string_view origin);

/// "a | b" as text, for messages.
std::string alternatives_text(const Alternatives& alternatives);

}  // namespace venv2docker::debian
