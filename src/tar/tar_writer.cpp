#include "tar/tar_writer.h"

#include <archive.h>
#include <archive_entry.h>

#include <string_view>

#include "tar/name_charset.h"
#include "tar/whiteout.h"
#include "util/error.h"
#include "util/text_util.h"

namespace venv2docker {

namespace {

struct EntryDeleter {
  void operator()(archive_entry* entry) const { archive_entry_free(entry); }
};

bool is_ascii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

unsigned filetype_of(EntryKind kind) {
  switch (kind) {
    case EntryKind::directory:
      return AE_IFDIR;
    case EntryKind::symlink:
      return AE_IFLNK;
    case EntryKind::regular:
      break;
  }
  return AE_IFREG;
}

}  // namespace

long TarWriter::write_callback(archive*, void* client, const void* buffer, std::size_t length) {
  auto* self = static_cast<TarWriter*>(client);
  try {
    self->m_sink(buffer, length);
  } catch (...) {
    // Carried across libarchive's C frames and rethrown by fail().
    self->m_failure = std::current_exception();
    return -1;
  }
  return static_cast<long>(length);
}

TarWriter::TarWriter(Sink sink, std::string what)
    : m_sink(std::move(sink)), m_what(std::move(what)), m_archive(archive_write_new()) {
  if (!m_archive) throw Error("cannot write " + m_what + ": libarchive is out of memory");
  // pax "restricted": plain ustar headers, pax records only when needed.
  if (archive_write_set_format_pax_restricted(m_archive) != ARCHIVE_OK ||
      archive_write_set_bytes_in_last_block(m_archive, 1) != ARCHIVE_OK ||
      archive_write_open2(m_archive, this, nullptr, write_callback, nullptr, nullptr) != ARCHIVE_OK) {
    try {
      fail("cannot start");
    } catch (...) {
      archive_write_free(m_archive);
      throw;
    }
  }
}

TarWriter::~TarWriter() { archive_write_free(m_archive); }

void TarWriter::fail(const std::string& doing) {
  if (m_failure) std::rethrow_exception(m_failure);
  const char* reason = archive_error_string(m_archive);
  throw Error(doing + " " + m_what + ": " + (reason ? reason : "libarchive gave no reason"));
}

void TarWriter::add_header(const TarHeader& header) {
  // Whatever filtered the entries before, a layer never gets one: unpacked,
  // it would delete or hide files of the layers below.
  if (names_whiteout(header.path)) {
    throw Error("refusing to write " + header.path + " into " + m_what +
                    ": the name is an OCI whiteout (.wh.*), which would delete or hide files of the base image",
                "rename or leave out the file it comes from (--exclude for a venv or project file)");
  }
  std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
  if (!entry) throw Error("cannot write " + m_what + ": libarchive is out of memory");
  // The multibyte setters store bytes as given; the _utf8 ones would go
  // through the locale's charset and could change or drop a name.
  archive_entry_copy_pathname(entry.get(), header.path.c_str());
  archive_entry_set_filetype(entry.get(), filetype_of(header.kind));
  archive_entry_set_perm(entry.get(), header.mode & 07777);
  archive_entry_set_mtime(entry.get(), header.mtime, 0);
  archive_entry_set_uid(entry.get(), 0);
  archive_entry_set_gid(entry.get(), 0);
  if (header.kind == EntryKind::symlink) archive_entry_copy_symlink(entry.get(), header.link_target.c_str());
  if (header.kind == EntryKind::regular) archive_entry_set_size(entry.get(), static_cast<la_int64_t>(header.size));
  int status;
  {
    ScopedNameCharset charset(NameCharset::utf8);
    status = archive_write_header(m_archive, entry.get());
  }
  // A name or target that is not UTF-8 is written as raw bytes under a
  // `hdrcharset=BINARY` pax record, which libarchive reports as a warning;
  // any other warning is a fault.
  const bool expected_warning = !is_valid_utf8(header.path) || !is_valid_utf8(header.link_target) ||
                                (!have_utf8_name_charset() && !is_ascii(header.path + header.link_target));
  if (status == ARCHIVE_OK || (status == ARCHIVE_WARN && expected_warning)) return;
  fail("cannot add " + header.path + " to");
}

void TarWriter::write_data(const void* data, std::size_t size, const std::string& path) {
  if (size != 0 && archive_write_data(m_archive, data, size) != static_cast<la_ssize_t>(size)) {
    fail("cannot add " + path + " to");
  }
}

void TarWriter::finish() {
  if (archive_write_close(m_archive) != ARCHIVE_OK) fail("cannot finish");
}

}  // namespace venv2docker
