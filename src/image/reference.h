// Image references, parsed and normalised exactly as Docker does:
// "python:3.11-slim" is docker.io/library/python:3.11-slim (API host
// registry-1.docker.io); "localhost:5000/x", "127.0.0.1:5000/a/b:t" and
// "name@sha256:..." keep their registry.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "store/digest.h"

namespace venv2docker {

struct Reference {
  std::string registry;    // "docker.io", "localhost:5000", "ghcr.io"
  std::string repository;  // "library/python", "a/b"
  std::optional<std::string> tag;
  std::optional<Digest> digest;

  /// Parses and normalises; std::nullopt when `text` is not a valid reference
  /// (upper case in the repository, bad tag, bad digest, empty parts...).
  static std::optional<Reference> parse(std::string_view text);
  /// As parse(), but throws Error naming `what` (e.g. "--base") and why, with
  /// `hint` (default: what references look like).
  static Reference parse_or_throw(std::string_view text, std::string_view what, std::string_view hint = {});

  /// Host to send API requests to ("registry-1.docker.io" for docker.io).
  std::string api_host() const;
  /// "docker.io/library/python:3.11" (tag and/or digest when present).
  std::string full() const;
  /// The short form Docker prints: "python:3.11", "localhost:5000/x:t".
  std::string familiar() const;
  /// "docker.io/library/python" without tag or digest.
  std::string name() const;
  /// The tag, or "latest" when neither tag nor digest was given.
  std::string tag_or_latest() const;
};

}  // namespace venv2docker
