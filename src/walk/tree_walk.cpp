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

// Room reserved up front for a list of entries, enough for the largest venvs
// (torch, jupyter: 50-100k files) and more. The pages of a reserved but unused
// tail are never touched, while growing by doubling would copy every 200-byte
// entry again into fresh memory, each page of which costs a fault.
constexpr std::size_t k_expected_entries = 1 << 18;

unsigned walk_threads(const WalkOptions& options) {
  return options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

struct WalkedTree::Read {
  WalkOptions options;
  fs::path source;  // clean, absolute
  std::uint32_t source_mode = 0;
  std::unique_ptr<FolderListings> listings;
};

namespace {

// One visit of a read tree, in walk order. It keeps one host path and one
// image path that grow by a name on the way down and shrink on the way back,
// and one entry of each kind whose strings keep their room between files, so
// a file costs no allocation: per-file temporaries once made malloc and free a
// fifth of a no-change rebuild.
class EntryVisit {
 public:
  EntryVisit(const WalkOptions& options, const fs::path& source, const std::function<void(const LayerEntry&)>& visit,
             std::vector<std::string>* warnings)
      : m_visit(visit), m_warnings(warnings), m_source(source) {
    m_destination = options.destination;
    while (m_destination.size() > 1 && m_destination.back() == '/') m_destination.pop_back();
    // Links written through a symlinked home folder name the real path.
    m_source_roots.push_back(m_source);
    std::error_code error;
    const fs::path canonical = fs::weakly_canonical(m_source, error);
    if (!error && canonical != m_source) m_source_roots.push_back(canonical);
    for (const fs::path& root : options.allowed_roots) m_allowed_roots.push_back(clean_absolute(root));
    m_folder.kind = EntryKind::directory;
    m_file.kind = EntryKind::regular;
    m_link.kind = EntryKind::symlink;
    m_link.mode = 0777;
  }

  void run(std::uint32_t source_mode, FolderListings& listings) {
    m_listings = &listings;
    m_host_path = m_source.string();
    m_image_path = m_destination;
    emit_folder(source_mode & 0777);
    add_contents(listings.root());
  }

 private:
  // Visits the entries of the folder named by m_host_path and m_image_path;
  // returns how many. Listings are sorted by name, which makes the entries
  // sorted the way sort_entries sorts: a name that is a prefix of another
  // sorts first both ways, and otherwise the first differing byte decides
  // both orders (a name holds no '/'), so a folder and everything in it come
  // before its next sibling.
  std::size_t add_contents(const FolderListing& listing) {
    const std::size_t before = m_visited;
    std::size_t folders = 0;
    for (const ListedChild& child : listing.children) {
      const auto [host_size, image_size] = enter(listing.name(child));
      switch (child.kind) {
        case ListedChild::Kind::folder:
          add_folder(child, m_listings->subfolder(listing, folders++));
          break;
        case ListedChild::Kind::regular:
          m_file.path = m_image_path;
          m_file.mode = child.mode;
          m_file.source = m_host_path;
          m_file.size = child.stat.size;
          m_file.source_stat = child.stat;
          emit(m_file);
          break;
        case ListedChild::Kind::symlink:
          emit(link_entry(listing.link_target(child)));
          break;
        case ListedChild::Kind::whiteout:
          warn(m_host_path + " is named like an OCI whiteout (.wh.*), which would delete or hide "
                             "files of the base image; left out");
          break;
      }
      m_host_path.resize(host_size);
      m_image_path.resize(image_size);
    }
    if (listing.error) std::rethrow_exception(listing.error);
    return m_visited - before;
  }

  void add_folder(const ListedChild& child, const FolderListing& listing) {
    // An excluded folder is visited only for the `!` exceptions found
    // inside it: held back until the first of them.
    if (child.excluded) {
      m_held_back.push_back({m_image_path, child.mode});
    } else {
      emit_folder(child.mode);
    }
    const std::size_t added = add_contents(listing);
    if (child.excluded && added == 0) m_held_back.pop_back();
  }

  void emit_folder(std::uint32_t mode) {
    m_folder.path = m_image_path;
    m_folder.mode = mode;
    emit(m_folder);
  }

  void emit(const LayerEntry& entry) {
    if (!m_held_back.empty()) {
      // An entry inside excluded folders brings them back, outermost first.
      for (auto& [path, mode] : m_held_back) {
        m_folder.path = std::move(path);
        m_folder.mode = mode;
        m_visit(m_folder);
        ++m_visited;
      }
      m_held_back.clear();
    }
    m_visit(entry);
    ++m_visited;
  }

  void warn(std::string warning) {
    if (m_warnings) m_warnings->push_back(std::move(warning));
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

  const LayerEntry& link_entry(std::string_view target_bytes) {
    const fs::path path = m_host_path;
    const fs::path target = std::string(target_bytes);
    m_link.path = m_image_path;
    m_link.link_target = target.string();

    const fs::path resolved = (target.is_absolute() ? target : path.parent_path() / target).lexically_normal();
    bool inside = false;
    for (const fs::path& root : m_source_roots) {
      if (const auto relative = relative_within(resolved, root)) {
        inside = true;
        // Inside the walked folder: it moves with it.
        if (target.is_absolute()) m_link.link_target = join_image_path(m_destination, relative->generic_string());
        break;
      }
    }
    bool allowed = inside;
    for (const fs::path& root : m_allowed_roots) allowed = allowed || is_within(resolved, root);

    if (!m_warnings) return m_link;
    std::error_code error;
    if (!allowed) {
      warn(path.string() + " links to " + target.string() + ", outside " + m_source.string() +
           "; kept as a link, it may dangle in the image");
    } else if (!fs::exists(path, error)) {
      warn(path.string() + " links to " + target.string() + ", which does not exist; kept as is");
    }
    return m_link;
  }

  const std::function<void(const LayerEntry&)>& m_visit;
  std::vector<std::string>* m_warnings;
  FolderListings* m_listings = nullptr;
  const fs::path& m_source;
  std::string m_destination;
  std::vector<fs::path> m_source_roots;
  std::vector<fs::path> m_allowed_roots;
  std::string m_host_path;
  std::string m_image_path;
  LayerEntry m_folder;
  LayerEntry m_file;
  LayerEntry m_link;
  std::vector<std::pair<std::string, std::uint32_t>> m_held_back;  // excluded folders, outermost first
  std::size_t m_visited = 0;
};

}  // namespace

WalkedTree::WalkedTree(WalkOptions options) : m_read(std::make_unique<Read>()) {
  m_read->source = clean_absolute(options.source);
  const std::string source = m_read->source.string();
  struct stat info {};
  if (::stat(source.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    throw Error(source + " is not a folder", "check the path");
  }
  m_read->source_mode = info.st_mode;
  m_read->options = std::move(options);
  m_read->listings =
      std::make_unique<FolderListings>(source, m_read->options.excludes, walk_threads(m_read->options));
}

WalkedTree::~WalkedTree() = default;
WalkedTree::WalkedTree(WalkedTree&&) noexcept = default;
WalkedTree& WalkedTree::operator=(WalkedTree&&) noexcept = default;

void WalkedTree::visit(const std::function<void(const LayerEntry&)>& visit, std::vector<std::string>* warnings) const {
  EntryVisit(m_read->options, m_read->source, visit, warnings).run(m_read->source_mode, *m_read->listings);
}

std::vector<LayerEntry> WalkedTree::entries(std::vector<std::string>* warnings) const {
  std::vector<LayerEntry> entries;
  entries.reserve(k_expected_entries);
  visit([&entries](const LayerEntry& entry) { entries.push_back(entry); }, warnings);
  return entries;
}

std::vector<LayerEntry> walk_tree(const WalkOptions& options, std::vector<std::string>& warnings) {
  return WalkedTree(options).entries(&warnings);
}

}  // namespace venv2docker
