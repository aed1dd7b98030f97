#include "venv2docker/tree_walk.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <system_error>

#include "image_path.h"
#include "lexical_path.h"
#include "venv2docker/error.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

// Layer paths are UTF-8 (PAX headers), and a name in another encoding would
// turn into a different name in the image.
bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    char32_t code = 0;
    if (byte < 0x80) {
      ++i;
      continue;
    } else if ((byte & 0xE0) == 0xC0) {
      length = 2, code = byte & 0x1F;
    } else if ((byte & 0xF0) == 0xE0) {
      length = 3, code = byte & 0x0F;
    } else if ((byte & 0xF8) == 0xF0) {
      length = 4, code = byte & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and values past U+10FFFF are invalid.
    static constexpr char32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < smallest[length] || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) return false;
    i += length;
  }
  return true;
}

std::string describe_file_type(mode_t mode) {
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISFIFO(mode)) return "a named pipe (fifo)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a regular file, folder or symlink";
}

class Walker {
 public:
  Walker(const WalkOptions& options, std::vector<std::string>& warnings)
      : m_options(options), m_warnings(warnings) {
    m_source = clean_absolute(options.source);
    m_destination = options.destination;
    while (m_destination.size() > 1 && m_destination.back() == '/') m_destination.pop_back();
    // Links written through a symlinked home folder name the real path.
    m_source_roots.push_back(m_source);
    std::error_code error;
    const fs::path canonical = fs::weakly_canonical(m_source, error);
    if (!error && canonical != m_source) m_source_roots.push_back(canonical);
    for (const fs::path& root : options.allowed_roots) {
      m_allowed_roots.push_back(clean_absolute(root));
    }
  }

  std::vector<LayerEntry> run() {
    struct stat info {};
    if (::stat(m_source.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
      throw Error(m_source.string() + " is not a folder", "check the path");
    }
    m_entries.push_back(directory_entry(m_destination, info));
    walk_folder(m_source.string(), "");
    sort_entries(m_entries);
    return std::move(m_entries);
  }

 private:
  static LayerEntry directory_entry(const std::string& path, const struct stat& info) {
    LayerEntry entry;
    entry.path = path;
    entry.kind = EntryKind::directory;
    entry.mode = info.st_mode & 0777;
    return entry;
  }

  // Lists `folder` (whose path relative to the source is `relative`, "" for
  // the source itself); returns how many entries it added. Children are
  // visited in byte order of their names, which makes the output already
  // sorted the way sort_entries sorts (a folder, then its contents), and are
  // looked up relative to the folder's descriptor: the kernel then resolves
  // one name per file instead of every component of its path.
  std::size_t walk_folder(const std::string& folder, const std::string& relative) {
    if (::access(folder.c_str(), R_OK | X_OK) != 0) {
      throw Error("cannot read the folder " + folder + ": " + std::strerror(errno),
                  "fix its permissions, or exclude it");
    }
    const std::size_t before = m_entries.size();
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR* listing = fd < 0 ? nullptr : ::fdopendir(fd);
    if (!listing) {
      const int error = errno;
      if (fd >= 0) ::close(fd);
      throw Error("cannot list the folder " + folder + ": " + std::strerror(error), "fix its permissions, or exclude it");
    }
    struct CloseListing {
      DIR* listing;
      ~CloseListing() { ::closedir(listing); }
    } close_listing{listing};
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* child = ::readdir(listing)) {
      const std::string_view name = child->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
    }
    if (errno != 0) {
      throw Error("cannot list the folder " + folder + ": " + std::strerror(errno), "fix its permissions, or exclude it");
    }
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      if (!is_valid_utf8(name)) {
        throw Error("the name of " + folder + "/" + name + " is not valid UTF-8, so it cannot be stored in an image",
                    "rename the file, or exclude it");
      }
      walk_child(::dirfd(listing), name, (folder == "/" ? "" : folder) + "/" + name, relative.empty() ? name : relative + "/" + name);
    }
    return m_entries.size() - before;
  }

  // `name` inside the folder open as `folder_fd`; `path` is its full host path.
  void walk_child(int folder_fd, const std::string& name, const std::string& path, const std::string& relative) {
    struct stat info {};
    if (::fstatat(folder_fd, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) {
      throw Error("cannot read " + path + ": " + std::strerror(errno), "fix its permissions, or exclude it");
    }
    const bool excluded = m_options.excludes.excludes(relative);
    // An excluded folder is looked into only for `!` exceptions, and only when it can be.
    const bool look_inside = S_ISDIR(info.st_mode) && m_options.excludes.has_exceptions() &&
                             ::faccessat(folder_fd, name.c_str(), R_OK | X_OK, 0) == 0;
    if (excluded && !look_inside) return;

    const std::string image_path = join_image_path(m_destination, relative);
    if (S_ISDIR(info.st_mode)) {
      const std::size_t slot = m_entries.size();
      m_entries.push_back(directory_entry(image_path, info));
      // An excluded folder stays only for the `!` exceptions found inside it.
      if (walk_folder(path, relative) == 0 && excluded) m_entries.erase(m_entries.begin() + slot);
    } else if (excluded) {
      return;
    } else if (S_ISREG(info.st_mode)) {
      // access(2) grants root R_OK whatever the mode: asking costs a system
      // call per file for nothing.
      if (!m_root && ::faccessat(folder_fd, name.c_str(), R_OK, 0) != 0) {
        throw Error("cannot read " + path + ": " + std::strerror(errno), "fix its permissions, or exclude it");
      }
      LayerEntry entry;
      entry.path = image_path;
      entry.kind = EntryKind::regular;
      entry.mode = info.st_mode & 0777;
      entry.source = path;
      entry.size = static_cast<std::uint64_t>(info.st_size);
      entry.source_stat = source_stat_of(info);
      m_entries.push_back(std::move(entry));
    } else if (S_ISLNK(info.st_mode)) {
      m_entries.push_back(symlink_entry(path, image_path));
    } else {
      throw Error(path + " is " + describe_file_type(info.st_mode) + ", which a container image cannot hold",
                  "remove it or exclude it (.dockerignore)");
    }
  }

  LayerEntry symlink_entry(const fs::path& path, const std::string& image_path) {
    std::error_code error;
    const fs::path target = fs::read_symlink(path, error);
    if (error) throw Error("cannot read the symlink " + path.string() + ": " + error.message(), "fix or remove it");
    if (!is_valid_utf8(target.string())) {
      throw Error("the target of the symlink " + path.string() + " is not valid UTF-8", "fix or remove the link");
    }
    LayerEntry entry;
    entry.path = image_path;
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

  const WalkOptions& m_options;
  std::vector<std::string>& m_warnings;
  fs::path m_source;
  std::string m_destination;
  std::vector<fs::path> m_source_roots;
  std::vector<fs::path> m_allowed_roots;
  std::vector<LayerEntry> m_entries;
  const bool m_root = ::getuid() == 0;  // access(2) answers for the real user
};

}  // namespace

std::vector<LayerEntry> walk_tree(const WalkOptions& options, std::vector<std::string>& warnings) {
  return Walker(options, warnings).run();
}

}  // namespace venv2docker
