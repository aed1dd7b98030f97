// Turns a host folder (a venv, a project) into layer entries, applying
// exclusion rules and refusing what cannot be put in an image safely.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tar/layer_entry.h"
#include "walk/exclude_rules.h"

namespace venv2docker {

struct FolderListing;

struct WalkOptions {
  std::filesystem::path source;   // host folder
  std::string destination;        // absolute folder in the image
  ExcludeRules excludes;
  /// Host folders a symlink may point into (besides `source`); a link pointing
  /// anywhere else is kept as a link and reported, never followed.
  std::vector<std::filesystem::path> allowed_roots;
  /// Threads that read the folders, at most two are used; 0 means one per
  /// core. Never changes the result, the warnings or the error thrown.
  unsigned threads = 0;
};

/// A host folder read whole: every folder listed and every name stat'ed (and
/// every symlink read) once, and visited as layer entries as often as needed
/// without asking the disk again; the first visit goes on while the folders
/// are read. A no-change rebuild only needs the
/// entries hashed into its key, never held: 200k entries would each cost a
/// few hundred bytes of fresh memory, and each page of it a fault.
class WalkedTree {
 public:
  /// Starts reading `options.source` and below. Throws Error when it is not
  /// a folder; what is found below is thrown by visit().
  explicit WalkedTree(WalkOptions options);
  ~WalkedTree();
  WalkedTree(WalkedTree&&) noexcept;
  WalkedTree& operator=(WalkedTree&&) noexcept;

  /// Calls `visit` with each entry, under `destination` (the folder itself
  /// included), sorted; the entry passed is only valid during the call.
  /// Throws Error naming the file for sockets, fifos, devices, unreadable
  /// files and symlinks (the first such file in sorted order), after visiting
  /// the entries before it. Names and link targets are kept as bytes,
  /// whatever their encoding. Symlinks are never followed; when `warnings` is
  /// given, links that leave the allowed roots or dangle, and names of
  /// whiteouts, are reported to it in sorted order. One visit at a time.
  void visit(const std::function<void(const LayerEntry&)>& visit, std::vector<std::string>* warnings) const;

  /// The entries visit() visits, as a list.
  std::vector<LayerEntry> entries(std::vector<std::string>* warnings) const;

 private:
  struct Read;
  std::unique_ptr<Read> m_read;
};

/// The entries of WalkedTree(options), with its warnings.
std::vector<LayerEntry> walk_tree(const WalkOptions& options, std::vector<std::string>& warnings);

}  // namespace venv2docker
