// One file-system entry destined for a layer: where it goes in the image and
// where its bytes come from. Layers are lists of these, built by the tree
// walker and the relocation rules and written by the layer writer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/source_stat.h"

namespace venv2docker {

enum class EntryKind { directory, regular, symlink };

struct LayerEntry {
  /// Absolute path inside the image, no trailing slash ("/opt/venv/bin/pip").
  std::string path;
  EntryKind kind = EntryKind::regular;
  /// Permission bits only (e.g. 0755); owner is always root in the layer.
  std::uint32_t mode = 0644;
  /// For symlinks: the link target exactly as it should appear in the image.
  std::string link_target;
  /// For regular files: the host file whose bytes are streamed into the layer...
  /// (a plain string: std::filesystem::path splits every path into components
  /// when made, and a venv's thousands of entries would each pay for it)
  std::string source;
  /// ...unless `content` is set, which replaces them (relocated text files).
  std::optional<std::string> content;
  /// Size of the file's bytes (of `content` when set, else of `source`).
  std::uint64_t size = 0;
  /// The lstat of `source` taken when the entry was listed, so the layer
  /// cache's key needs no second lstat per file. Set together with `source`.
  std::optional<SourceStat> source_stat;
  /// Relocation left its search of this file's text for old paths to the
  /// layer writer, which reads the bytes anyway
  /// (LayerOptions::pending_text_scan, relocate/deferred_text_scan.h).
  bool text_scan_pending = false;
};

/// Sorts entries by path, component-wise, so a folder comes right before its
/// contents; layer bytes then do not depend on the order files were found in.
void sort_entries(std::vector<LayerEntry>& entries);

}  // namespace venv2docker
