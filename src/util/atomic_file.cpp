#include "util/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <system_error>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "util/cancellation.h"
#include "util/error.h"
#include "util/temporary_path.h"
#include "util/test_kill_point.h"
#include "util/unique_fd.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

std::string system_message(int error_number) { return std::strerror(error_number); }

fs::path parent_or_current(const fs::path& path) {
  return path.has_parent_path() ? path.parent_path() : fs::path(".");
}

// A rename is durable only once its folder is: without this, a power cut
// after the rename could bring back the old name.
void sync_folder(const fs::path& folder) {
  UniqueFd fd(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd) ::fsync(fd.get());
}

// renameat2 with `flags`; 0 or the errno.
int rename_with(const fs::path& from, const fs::path& to, unsigned flags) {
  return ::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), flags) == 0 ? 0 : errno;
}

// A file system without renameat2's flags (EINVAL: some network and FUSE
// file systems): a plain rename still moves a folder in whole when there is
// none; replacing one takes two renames, with a moment between them.
int rename_without_flags(const fs::path& from, const fs::path& to, bool replace) {
  TemporaryPath old(to);  // the old folder, deleted once replaced
  if (replace && std::rename(to.c_str(), old.path().c_str()) != 0) return errno;
  if (std::rename(from.c_str(), to.c_str()) == 0) return 0;
  const int error = errno;
  if (replace && std::rename(old.path().c_str(), to.c_str()) == 0) old.release();
  return error;
}

}  // namespace

AtomicFile::AtomicFile(fs::path destination) : m_destination(std::move(destination)) {
  if (m_destination.filename().empty()) throw Error("output path " + m_destination.string() + " names a folder, not a file");
  std::error_code ec;
  fs::create_directories(parent_or_current(m_destination), ec);
  if (ec) throw Error("cannot create folder " + parent_or_current(m_destination).string() + ": " + ec.message());
  m_temporary = temporary_sibling(m_destination);
  m_file = std::fopen(m_temporary.c_str(), "wbxe");
  if (!m_file) {
    throw Error("cannot create " + m_temporary.string() + ": " + system_message(errno),
                "check that the folder exists and is writable");
  }
}

AtomicFile::~AtomicFile() {
  if (m_file) {
    std::fclose(m_file);
    std::error_code ignored;
    fs::remove(m_temporary, ignored);
  }
}

void AtomicFile::write(const void* data, std::size_t size) {
  throw_if_cancelled();
  if (size != 0 && std::fwrite(data, 1, size, m_file) != size) {
    throw Error("cannot write " + m_destination.string() + ": " + system_message(errno),
                "is the disk full?");
  }
  m_written += size;
  if (m_written - m_written_back >= k_writeback_step) start_writeback();
}

// The disk starts on what was written so far, without waiting for it: the
// fsync at commit then waits for the last few MiB of a large file (a base
// layer stored while it is listed) rather than for all of it at once. An error
// here is left for that fsync to report.
void AtomicFile::start_writeback() {
  if (std::fflush(m_file) != 0) return;
  ::sync_file_range(::fileno(m_file), static_cast<off_t>(m_written_back), static_cast<off_t>(m_written - m_written_back),
                    SYNC_FILE_RANGE_WRITE);
  m_written_back = m_written;
}

void AtomicFile::commit() { commit_as(m_destination); }

void AtomicFile::commit_as(const fs::path& destination) {
  bool ok = std::fflush(m_file) == 0 && ::fsync(::fileno(m_file)) == 0;
  int saved = errno;
  ok = (std::fclose(m_file) == 0) && ok;
  m_file = nullptr;
  std::error_code ec;
  if (!ok) {
    fs::remove(m_temporary, ec);
    throw Error("cannot write " + destination.string() + ": " + system_message(saved));
  }
  fs::rename(m_temporary, destination, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(m_temporary, ignored);
    throw Error("cannot move the new " + destination.string() + " into place: " + ec.message());
  }
  sync_folder(parent_or_current(destination));
}

AtomicDirectory::AtomicDirectory(fs::path destination) : m_destination(std::move(destination)) {
  while (m_destination.has_filename() == false && m_destination.has_parent_path() &&
         m_destination != m_destination.root_path()) {
    m_destination = m_destination.parent_path();  // "out/" means "out"
  }
  std::error_code ec;
  fs::create_directories(parent_or_current(m_destination), ec);
  m_temporary = temporary_sibling(m_destination);
  if (ec || !fs::create_directory(m_temporary, ec) || ec) {
    throw Error("cannot create folder " + m_temporary.string() + ": " + ec.message());
  }
}

AtomicDirectory::~AtomicDirectory() {
  if (!m_committed) {
    std::error_code ignored;
    fs::remove_all(m_temporary, ignored);
  }
}

void AtomicDirectory::commit() {
  test_kill_point("directory-swap");
  bool replaced = false;
  int error = EEXIST;
  // Another run may make or remove the folder between the look and the swap:
  // then the other flag is right, and the second try takes it.
  for (int attempt = 0; attempt < 2 && (error == EEXIST || error == ENOENT); ++attempt) {
    replaced = fs::exists(fs::symlink_status(m_destination));
    error = rename_with(m_temporary, m_destination, replaced ? RENAME_EXCHANGE : RENAME_NOREPLACE);
  }
  if (error == EINVAL) error = rename_without_flags(m_temporary, m_destination, replaced);
  if (error != 0) throw Error("cannot move the new " + m_destination.string() + " into place: " + system_message(error));
  sync_folder(parent_or_current(m_destination));
  // After an exchange the old folder sits at the temporary name.
  std::error_code ignored;
  if (replaced) fs::remove_all(m_temporary, ignored);
  m_committed = true;
}

void write_file_atomically(const fs::path& destination, std::string_view bytes) {
  AtomicFile file(destination);
  file.write(bytes);
  file.commit();
}

}  // namespace venv2docker
