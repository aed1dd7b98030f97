#include "tar/xz_bytes.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

#include "util/error.h"

namespace venv2docker {

namespace {

la_ssize_t append(archive*, void* client, const void* buffer, std::size_t length) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}

}  // namespace

std::string xz_compressed(std::string_view bytes) {
  std::unique_ptr<archive, decltype(&archive_write_free)> writer(archive_write_new(), archive_write_free);
  std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(), archive_entry_free);
  if (!writer || !entry) throw std::bad_alloc();
  std::string out;
  auto fail = [&](const char* doing) {
    const char* said = archive_error_string(writer.get());
    throw Error(std::string("cannot xz-compress a document: ") + doing + ": " + (said ? said : "libarchive failed"));
  };
  if (archive_write_add_filter_xz(writer.get()) != ARCHIVE_OK) fail("no xz filter");
  if (archive_write_set_format_raw(writer.get()) != ARCHIVE_OK) fail("no raw format");
  // One stream however long: no padding to a block size.
  if (archive_write_set_bytes_in_last_block(writer.get(), 1) != ARCHIVE_OK) fail("block size");
  if (archive_write_open2(writer.get(), &out, nullptr, append, nullptr, nullptr) != ARCHIVE_OK) fail("open");
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(bytes.size()));
  if (archive_write_header(writer.get(), entry.get()) != ARCHIVE_OK) fail("header");
  if (!bytes.empty() && archive_write_data(writer.get(), bytes.data(), bytes.size()) != static_cast<la_ssize_t>(bytes.size())) {
    fail("data");
  }
  if (archive_write_close(writer.get()) != ARCHIVE_OK) fail("close");
  return out;
}

}  // namespace venv2docker
