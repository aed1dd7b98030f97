// Reading a .deb (an ar archive of debian-binary, control.tar.* and
// data.tar.*) with libarchive, without dpkg: its control files, and its data
// unpacked once into the cache as plain numbered files plus a list of layer
// entries, so nothing in a package can write outside the cache folder.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "store/blob_store.h"
#include "store/digest.h"
#include "tar/layer_entry.h"

namespace venv2docker::debian {

struct UnpackedDeb {
  /// Every member of data.tar as the package names it ("/usr/bin/jq"),
  /// regular files pointing at their unpacked copy (hard links too).
  std::vector<LayerEntry> entries;
  /// control.tar's files by name: "control", "postinst", "md5sums", ...
  std::map<std::string, std::string> control_files;
  /// What was left out of `entries`, for the build's warnings: members named
  /// like whiteouts (.wh.*), which would delete or hide the base's files.
  std::vector<std::string> warnings;
};

/// The .deb stored under `deb` in `store`, unpacked into
/// <store>/apt/unpacked/<hex> (once; later calls read the saved list).
/// Throws Error naming `what` for a malformed package or an unsafe path.
UnpackedDeb unpack_deb(const Digest& deb, const BlobStore& store, const std::string& what);

}  // namespace venv2docker::debian
