#include "walk/tree_walk.h"

#include <sys/stat.h>

#include <algorithm>
#include <system_error>
#include <thread>
#include <utility>

#include "tar/image_path.h"
#include "util/error.h"
#include "util/lexical_path.h"
#include "walk/folder_listings.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

// Room reserved up front for the entries, enough for the largest venvs
// (torch, jupyter: 50-100k files) and more. The pages of a reserved but unused
// tail are never touched, while growing by doubling would copy every 200-byte
// entry again into fresh memory, each page of which costs a fault.
constexpr std::size_t k_expected_entries = 1 << 18;

LayerEntry directory_entry(const std::string& path, std::uint32_t mode) {
  LayerEntry entry;
  entry.path = path;
  entry.kind = EntryKind::directory;
  entry.mode = mode;
  return entry;
}

// The half of the walk that makes the entries, on the walk's own thread;
// FolderListings reads the disk. It keeps one host path and one image path
// that grow by a name on the way down and shrink on the way back, so a file
// costs no allocation besides its entry's own strings: the per-file
// temporaries once made malloc and free a fifth of a no-change rebuild.
class EntryBuilder {
 public:
  EntryBuilder(const WalkOptions& options, std::vector<std::string>& warnings) : m_warnings(warnings) {
    m_source = clean_absolute(options.source);
    m_destination = options.destination;
    while (m_destination.size() > 1 && m_destination.back() == '/') m_destination.pop_back();
    // Links written through a symlinked home folder name the real path.
    m_source_roots.push_back(m_source);
    std::error_code error;
    const fs::path canonical = fs::weakly_canonical(m_source, error);
    if (!error && canonical != m_source) m_source_roots.push_back(canonical);
    for (const fs::path& root : options.allowed_roots) m_allowed_roots.push_back(clean_absolute(root));
  }

  const fs::path& source() const { return m_source; }

  std::vector<LayerEntry> build(const struct stat& source_info, FolderListings& listings) {
    m_listings = &listings;
    m_entries.reserve(k_expected_entries);
    m_entries.push_back(directory_entry(m_destination, source_info.st_mode & 0777));
    m_host_path = m_source.string();
    m_image_path = m_destination;
    add_contents(listings.root());
    return std::move(m_entries);
  }

 private:
  // Adds the entries of the folder named by m_host_path and m_image_path;
  // returns how many. Listings are sorted by name, which makes the entries
  // sorted the way sort_entries sorts: a name that is a prefix of another
  // sorts first both ways, and otherwise the first differing byte decides
  // both orders (a name holds no '/'), so a folder and everything in it come
  // before its next sibling.
  std::size_t add_contents(FolderListing& listing) {
    const std::size_t before = m_entries.size();
    std::size_t folders = 0;
    for (const ListedChild& child : listing.children) {
      const auto [host_size, image_size] = enter(listing.name(child));
      switch (child.kind) {
        case ListedChild::Kind::folder:
          add_folder(child, listing, folders++);
          break;
        case ListedChild::Kind::regular:
          m_entries.push_back(regular_entry(child));
          break;
        case ListedChild::Kind::symlink:
          m_entries.push_back(symlink_entry());
          break;
        case ListedChild::Kind::whiteout:
          m_warnings.push_back(m_host_path + " is named like an OCI whiteout (.wh.*), which would delete or hide "
                               "files of the base image; left out");
          break;
      }
      m_host_path.resize(host_size);
      m_image_path.resize(image_size);
    }
    if (listing.error) std::rethrow_exception(listing.error);
    return m_entries.size() - before;
  }

  void add_folder(const ListedChild& child, FolderListing& parent, std::size_t index) {
    m_entries.push_back(directory_entry(m_image_path, child.mode));
    const std::size_t added = add_contents(m_listings->subfolder(parent, index));
    m_listings->done_with(parent, index);
    // An excluded folder stays only for the `!` exceptions found inside it.
    if (added == 0 && child.excluded) m_entries.pop_back();
  }

  // Appends "/name" to both paths; returns what to shrink them back to.
  std::pair<std::size_t, std::size_t> enter(std::string_view name) {
    const std::pair sizes{m_host_path.size(), m_image_path.size()};
    if (m_host_path != "/") m_host_path += '/';
    m_host_path += name;
    if (m_image_path != "/") m_image_path += '/';
    m_image_path += name;
    return sizes;
  }

  LayerEntry regular_entry(const ListedChild& child) const {
    LayerEntry entry;
    entry.path = m_image_path;
    entry.kind = EntryKind::regular;
    entry.mode = child.mode;
    entry.source = m_host_path;
    entry.size = child.stat.size;
    entry.source_stat = child.stat;
    return entry;
  }

  LayerEntry symlink_entry() {
    const fs::path path = m_host_path;
    std::error_code error;
    const fs::path target = fs::read_symlink(path, error);
    if (error) throw Error("cannot read the symlink " + path.string() + ": " + error.message(), "fix or remove it");
    LayerEntry entry;
    entry.path = m_image_path;
    entry.kind = EntryKind::symlink;
    entry.mode = 0777;
    entry.link_target = target.string();

    const fs::path resolved = (target.is_absolute() ? target : path.parent_path() / target).lexically_normal();
    bool inside = false;
    for (const fs::path& root : m_source_roots) {
      if (const auto relative = relative_within(resolved, root)) {
        inside = true;
        // Inside the walked folder: it moves with it.
        if (target.is_absolute()) entry.link_target = join_image_path(m_destination, relative->generic_string());
        break;
      }
    }
    bool allowed = inside;
    for (const fs::path& root : m_allowed_roots) allowed = allowed || is_within(resolved, root);

    if (!allowed) {
      m_warnings.push_back(path.string() + " links to " + target.string() + ", outside " + m_source.string() +
                           "; kept as a link, it may dangle in the image");
    } else if (!fs::exists(path, error)) {
      m_warnings.push_back(path.string() + " links to " + target.string() + ", which does not exist; kept as is");
    }
    return entry;
  }

  FolderListings* m_listings = nullptr;
  std::vector<std::string>& m_warnings;
  fs::path m_source;
  std::string m_destination;
  std::vector<fs::path> m_source_roots;
  std::vector<fs::path> m_allowed_roots;
  std::vector<LayerEntry> m_entries;
  std::string m_host_path;
  std::string m_image_path;
};

unsigned walk_threads(const WalkOptions& options) {
  return options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

std::vector<LayerEntry> walk_tree(const WalkOptions& options, std::vector<std::string>& warnings) {
  EntryBuilder builder(options, warnings);
  const std::string source = builder.source().string();
  struct stat info {};
  if (::stat(source.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    throw Error(source + " is not a folder", "check the path");
  }
  FolderListings listings(source, options.excludes, walk_threads(options));
  return builder.build(info, listings);
}

}  // namespace venv2docker
