#include "walk/folder_reader.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <algorithm>
#include <cerrno>
#include <cstring>

#include "tar/whiteout.h"
#include "util/error.h"
#include "util/unique_fd.h"

namespace venv2docker {

// A read folder stays open while its subfolders wait to be opened relative to
// it: the kernel then resolves one name per folder, not its whole path.
struct OpenFolder {
  UniqueFd fd;
};

namespace {

constexpr std::size_t k_dirent_buffer_size = 32 * 1024;

std::string describe_file_type(mode_t mode) {
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISFIFO(mode)) return "a named pipe (fifo)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a regular file, folder or symlink";
}

Error cannot_list(const std::string& folder, int error) {
  return Error("cannot list the folder " + folder + ": " + std::strerror(error), "fix its permissions, or exclude it");
}

Error cannot_read(const std::string& path, int error) {
  return Error("cannot read " + path + ": " + std::strerror(error), "fix its permissions, or exclude it");
}

std::string child_path(const std::string& folder, std::string_view name) {
  return (folder == "/" ? "" : folder) + "/" + std::string(name);
}

}  // namespace

FolderReader::FolderReader(const ExcludeRules& excludes)
    : m_excludes(excludes), m_look_inside_excluded(excludes.has_exceptions()), m_root(::getuid() == 0) {}

void FolderReader::read(const PendingFolder& folder, FolderListing& listing, std::vector<PendingFolder>& subfolders) {
  listing.names.clear();
  listing.children.clear();
  listing.error = nullptr;
  std::shared_ptr<const OpenFolder> open_folder;
  std::size_t kept = 0;
  try {
    open_folder = open(folder);
    const int fd = open_folder->fd.get();
    read_sorted_names(fd, folder.host_path, listing);
    // Only what the walk and a rebuild's comparison use: a file system may
    // skip work for the fields left out. A field it cannot give holds the
    // same stand-in stat(2) would.
    m_names.clear();
    for (const ListedChild& child : listing.children) m_names.push_back(listing.names.data() + child.name_offset);
    m_statx.stat(fd, m_names, k_source_statx_mask, m_stats, m_stat_errors);
    for (std::size_t i = 0; i < listing.children.size(); ++i) {
      ListedChild& child = listing.children[i];
      if (m_stat_errors[i] != 0) throw cannot_read(child_path(folder.host_path, listing.name(child)), m_stat_errors[i]);
      if (examine(fd, folder, listing, child, m_stats[i])) listing.children[kept++] = child;
    }
  } catch (...) {
    // The children before the error stay, with all they hold: the walk
    // lists them before it stops there.
    listing.error = std::current_exception();
  }
  listing.children.resize(kept);

  const auto folders = std::count_if(listing.children.begin(), listing.children.end(),
                                     [](const ListedChild& child) { return child.kind == ListedChild::Kind::folder; });
  listing.subfolders.clear();
  listing.subfolders.resize(static_cast<std::size_t>(folders));
  std::size_t index = 0;
  for (const ListedChild& child : listing.children) {
    if (child.kind != ListedChild::Kind::folder) continue;
    const std::string_view name = listing.name(child);
    subfolders.push_back({open_folder, child_path(folder.host_path, name),
                          folder.relative.empty() ? std::string(name) : folder.relative + "/" + std::string(name),
                          &listing.subfolders[index++]});
  }
}

std::shared_ptr<const OpenFolder> FolderReader::open(const PendingFolder& folder) const {
  const int parent = folder.parent ? folder.parent->fd.get() : AT_FDCWD;
  const std::string name = folder.parent ? folder.host_path.substr(folder.host_path.rfind('/') + 1) : folder.host_path;
  // Root may list and enter any folder, as access(2) then always answers:
  // asking costs a system call per folder for nothing.
  if (!m_root && ::faccessat(parent, name.c_str(), R_OK | X_OK, 0) != 0) {
    throw Error("cannot read the folder " + folder.host_path + ": " + std::strerror(errno),
                "fix its permissions, or exclude it");
  }
  const int fd = ::openat(parent, name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw cannot_list(folder.host_path, errno);
  return std::make_shared<const OpenFolder>(OpenFolder{UniqueFd(fd)});
}

// Reads the folder's names into `listing`, one child each, sorted by name.
void FolderReader::read_sorted_names(int fd, const std::string& folder, FolderListing& listing) {
  if (m_dirents.empty()) m_dirents.resize(k_dirent_buffer_size);
  for (;;) {
    const ssize_t got = ::getdents64(fd, m_dirents.data(), m_dirents.size());
    // ENOENT: the folder was removed while open; readdir(3) calls that the end.
    if (got == 0 || (got < 0 && errno == ENOENT)) break;
    if (got < 0) throw cannot_list(folder, errno);
    for (ssize_t position = 0; position < got;) {
      const auto* entry = reinterpret_cast<const struct dirent64*>(m_dirents.data() + position);
      position += entry->d_reclen;
      const std::string_view name = entry->d_name;
      if (name == "." || name == "..") continue;
      ListedChild child;
      child.name_offset = static_cast<std::uint32_t>(listing.names.size());
      child.name_size = static_cast<std::uint32_t>(name.size());
      listing.children.push_back(child);
      listing.names.append(name);
      listing.names.push_back('\0');
    }
  }
  std::sort(listing.children.begin(), listing.children.end(),
            [&listing](const ListedChild& a, const ListedChild& b) { return listing.name(a) < listing.name(b); });
}

// Fills in `child` of the folder open as `fd`; false when the walk skips it.
// Throws what the walk must stop at, naming the file.
bool FolderReader::examine(int fd, const PendingFolder& folder, FolderListing& listing, ListedChild& child,
                           const struct statx& info) {
  const std::string_view name = listing.name(child);
  const char* c_name = listing.names.data() + child.name_offset;
  const mode_t mode = info.stx_mode;
  if (m_excludes.empty()) {
    m_relative.clear();
  } else {
    m_relative.assign(folder.relative);
    if (!m_relative.empty()) m_relative += '/';
    m_relative += name;
  }
  const bool excluded = !m_excludes.empty() && m_excludes.excludes(m_relative);
  if (is_whiteout_name(name)) {
    child.kind = ListedChild::Kind::whiteout;
    return !excluded;
  }
  const bool look_inside =
      S_ISDIR(mode) && m_look_inside_excluded && ::faccessat(fd, c_name, R_OK | X_OK, 0) == 0;
  if (excluded && !look_inside) return false;
  if (S_ISDIR(mode)) {
    child.kind = ListedChild::Kind::folder;
  } else if (excluded) {
    return false;
  } else if (S_ISREG(mode)) {
    // access(2) grants root R_OK whatever the mode: asking costs a system
    // call per file for nothing.
    if (!m_root && ::faccessat(fd, c_name, R_OK, 0) != 0) throw cannot_read(child_path(folder.host_path, name), errno);
    child.kind = ListedChild::Kind::regular;
  } else if (S_ISLNK(mode)) {
    child.kind = ListedChild::Kind::symlink;
    read_link(fd, folder, listing, child);
  } else {
    throw Error(child_path(folder.host_path, name) + " is " + describe_file_type(mode) +
                    ", which a container image cannot hold",
                "remove it or exclude it (.dockerignore)");
  }
  child.excluded = excluded;
  child.mode = mode & 0777;
  child.stat = source_stat_of(info);
  return true;
}

// Appends the target of the symlink `child` after its name.
void FolderReader::read_link(int fd, const PendingFolder& folder, FolderListing& listing, ListedChild& child) {
  // Linux keeps no target longer than PATH_MAX - 1 bytes: one more byte
  // read tells a target cut short.
  if (m_link.empty()) m_link.resize(PATH_MAX + 1);
  const char* c_name = listing.names.data() + child.name_offset;
  const ssize_t got = ::readlinkat(fd, c_name, m_link.data(), m_link.size());
  const std::string path = got < 0 || static_cast<std::size_t>(got) == m_link.size()
                               ? child_path(folder.host_path, listing.name(child))
                               : std::string();
  if (got < 0) throw Error("cannot read the symlink " + path + ": " + std::strerror(errno), "fix or remove it");
  if (static_cast<std::size_t>(got) == m_link.size()) {
    throw Error("cannot read the symlink " + path + ": its target is longer than PATH_MAX", "fix or remove it");
  }
  // The name must stay where it is: the target goes at the end of the
  // names, so it can follow this child's name only if this name is last.
  const std::string name(listing.name(child));
  child.name_offset = static_cast<std::uint32_t>(listing.names.size());
  listing.names.append(name);
  listing.names.push_back('\0');
  listing.names.append(m_link.data(), static_cast<std::size_t>(got));
  listing.names.push_back('\0');
  child.link_size = static_cast<std::uint32_t>(got);
}

}  // namespace venv2docker
