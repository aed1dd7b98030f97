// Reads one folder for a tree walk: opens it, reads and sorts its names and
// stats every child (as lstat does, asking statx for the fields used only),
// keeping what the exclude rules keep and refusing what an image cannot hold. This is the part of a walk that waits on the kernel;
// the walk itself (tree_walk.cpp) turns listings into layer entries.
#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/source_stat.h"
#include "walk/exclude_rules.h"
#include "walk/statx_batch.h"

namespace venv2docker {

/// A child of a folder that the walk keeps or looks into.
struct ListedChild {
  /// whiteout: named `.wh.*` (tar/whiteout.h), of any kind; never looked
  /// into, left out of the walk with a warning.
  enum class Kind : std::uint8_t { folder, regular, symlink, whiteout };
  std::uint32_t name_offset = 0;  // in FolderListing::names; the name ends with a NUL
  std::uint32_t name_size = 0;
  /// A symlink's target, as read while listing, right after its name's NUL
  /// in FolderListing::names: read once, so every visit of the walk sees the
  /// same target.
  std::uint32_t link_size = 0;
  Kind kind = Kind::regular;
  /// An excluded folder, looked into only for what `!` patterns bring back.
  bool excluded = false;
  std::uint32_t mode = 0;  // permission bits
  SourceStat stat;
};

/// One folder's children, in byte order of their names.
struct FolderListing {
  std::string names;
  std::vector<ListedChild> children;
  /// What stopped the reading right after `children` (a file that cannot be
  /// read or put in an image): the walk throws it when it gets there.
  std::exception_ptr error;
  /// The listings of the folders among `children`, in their order, each
  /// filled in once read.
  std::vector<std::unique_ptr<FolderListing>> subfolders;

  std::string_view name(const ListedChild& child) const { return {names.data() + child.name_offset, child.name_size}; }
  std::string_view link_target(const ListedChild& child) const {
    return {names.data() + child.name_offset + child.name_size + 1, child.link_size};
  }
};

/// A folder open for reading (closed when the last holder lets go).
struct OpenFolder;

/// A folder to read, and where its listing goes.
struct PendingFolder {
  std::shared_ptr<const OpenFolder> parent;  // null for the walked folder
  std::string host_path;
  std::string relative;  // to the walked folder, '/'-separated; "" for itself
  std::unique_ptr<FolderListing>* listing = nullptr;
};

/// Reads folders one at a time; one per thread, as it keeps its buffers.
class FolderReader {
 public:
  explicit FolderReader(const ExcludeRules& excludes);

  /// Replaces `listing` with the contents of `folder`, and appends the
  /// subfolders to read next to `subfolders`, in order. Never throws for what
  /// it finds on disk: that goes into `listing.error`.
  void read(const PendingFolder& folder, FolderListing& listing, std::vector<PendingFolder>& subfolders);

 private:
  std::shared_ptr<const OpenFolder> open(const PendingFolder& folder) const;
  void read_sorted_names(int fd, const std::string& folder, FolderListing& listing);
  bool examine(int fd, const PendingFolder& folder, FolderListing& listing, ListedChild& child,
               const struct statx& info);
  void read_link(int fd, const PendingFolder& folder, FolderListing& listing, ListedChild& child);

  const ExcludeRules& m_excludes;
  // An excluded folder is looked into only when some `!` may bring back what it holds.
  const bool m_look_inside_excluded;
  const bool m_root;
  std::string m_relative;  // of the child being examined
  std::vector<char> m_dirents;
  std::vector<char> m_link;
  StatxBatch m_statx;
  std::vector<const char*> m_names;  // of the folder being read, for m_statx
  std::vector<struct statx> m_stats;
  std::vector<int> m_stat_errors;
};

}  // namespace venv2docker
