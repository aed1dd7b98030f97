#include "util/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <random>
#include <system_error>
#include <unistd.h>

#include "util/error.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

std::string system_message(int error_number) { return std::strerror(error_number); }

// A sibling name no concurrent run will pick: pid plus random bits.
fs::path sibling_temporary(const fs::path& destination, std::string_view kind) {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  std::string name = "." + destination.filename().string() + "." + std::string(kind) + "-" +
                     std::to_string(::getpid()) + "-" + std::to_string(random() % 1000000000);
  return destination.parent_path() / name;
}

fs::path parent_or_current(const fs::path& path) {
  return path.has_parent_path() ? path.parent_path() : fs::path(".");
}

}  // namespace

AtomicFile::AtomicFile(fs::path destination) : m_destination(std::move(destination)) {
  if (m_destination.filename().empty()) throw Error("output path " + m_destination.string() + " names a folder, not a file");
  std::error_code ec;
  fs::create_directories(parent_or_current(m_destination), ec);
  if (ec) throw Error("cannot create folder " + parent_or_current(m_destination).string() + ": " + ec.message());
  m_temporary = sibling_temporary(m_destination, "tmp");
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
  if (size != 0 && std::fwrite(data, 1, size, m_file) != size) {
    throw Error("cannot write " + m_destination.string() + ": " + system_message(errno),
                "is the disk full?");
  }
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
}

AtomicDirectory::AtomicDirectory(fs::path destination) : m_destination(std::move(destination)) {
  while (m_destination.has_filename() == false && m_destination.has_parent_path() &&
         m_destination != m_destination.root_path()) {
    m_destination = m_destination.parent_path();  // "out/" means "out"
  }
  std::error_code ec;
  fs::create_directories(parent_or_current(m_destination), ec);
  m_temporary = sibling_temporary(m_destination, "tmp");
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
  std::error_code ec;
  fs::path old;
  if (fs::exists(fs::symlink_status(m_destination))) {
    old = sibling_temporary(m_destination, "old");
    fs::rename(m_destination, old, ec);
    if (ec) throw Error("cannot replace " + m_destination.string() + ": " + ec.message());
  }
  fs::rename(m_temporary, m_destination, ec);
  if (ec) {
    std::error_code ignored;
    if (!old.empty()) fs::rename(old, m_destination, ignored);
    throw Error("cannot move the new " + m_destination.string() + " into place: " + ec.message());
  }
  m_committed = true;
  if (!old.empty()) fs::remove_all(old, ec);
}

void write_file_atomically(const fs::path& destination, std::string_view bytes) {
  AtomicFile file(destination);
  file.write(bytes);
  file.commit();
}

}  // namespace venv2docker
