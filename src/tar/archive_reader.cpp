#include "tar/archive_reader.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <string_view>

#include "tar/gzip_inflater.h"
#include "tar/inflating_thread.h"
#include "tar/name_charset.h"
#include "util/byte_source.h"
#include "util/error.h"
#include "util/file_bytes.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t k_block = std::size_t{1} << 16;
// As archive_read_open_filename reads a file: few, large reads.
constexpr std::size_t k_plain_block = std::size_t{1} << 20;

// libarchive's error text, which it may leave unset.
std::string reason(archive* a) {
  const char* text = archive_error_string(a);
  return text ? text : "libarchive gave no reason";
}

// A pax name (or uname/gname) that the ASCII LC_CTYPE cannot hold: libarchive
// keeps the record's bytes and says so with ARCHIVE_WARN and this message
// ("Pathname can't be converted from UTF-8 to current locale."). That is the
// raw name we want, so this warning, and only this one, is not an error.
bool is_name_kept_as_bytes(archive* a) {
  const char* text = archive_error_string(a);
  return text && std::string_view(text).find(" can't be converted from ") != std::string_view::npos;
}

void support(archive* a, ArchiveFormat format) {
  archive_read_support_filter_all(a);
  switch (format) {
    case ArchiveFormat::tar:
      archive_read_support_format_tar(a);
      break;
    case ArchiveFormat::ar:
      archive_read_support_format_ar(a);
      break;
    case ArchiveFormat::raw:
      archive_read_support_format_raw(a);
      break;
  }
}

ArchiveMember::Kind kind_of(archive_entry* entry) {
  if (archive_entry_hardlink(entry)) return ArchiveMember::Kind::hardlink;
  switch (archive_entry_filetype(entry)) {
    case AE_IFREG:
      return ArchiveMember::Kind::regular;
    case AE_IFDIR:
      return ArchiveMember::Kind::directory;
    case AE_IFLNK:
      return ArchiveMember::Kind::symlink;
    default:
      return ArchiveMember::Kind::other;
  }
}

}  // namespace

// The outer reader whose current member is this reader's input.
struct ArchiveReader::Outer {
  ArchiveReader& reader;
  char buffer[k_block];

  static la_ssize_t read(archive*, void* client, const void** block) {
    auto* self = static_cast<Outer*>(client);
    *block = self->buffer;
    return archive_read_data(self->reader.m_archive, self->buffer, sizeof self->buffer);
  }
};

// A ByteSource whose first bytes were looked at (the gzip magic) and are
// handed out again before the rest; and the block libarchive reads plain data into.
struct ArchiveReader::Input : ByteSource {
  ByteSource& source;
  std::string head;
  std::size_t head_used = 0;
  std::unique_ptr<char[]> block;

  explicit Input(ByteSource& from) : source(from) {}

  std::string_view peek(std::size_t count) {
    char buffer[16];
    while (head.size() < count) {
      const std::size_t got = source.read(buffer, std::min(sizeof buffer, count - head.size()));
      if (got == 0) break;
      head.append(buffer, got);
    }
    return head;
  }

  std::size_t read(char* buffer, std::size_t capacity) override {
    if (head_used == head.size()) return source.read(buffer, capacity);
    const std::size_t count = std::min(capacity, head.size() - head_used);
    std::memcpy(buffer, head.data() + head_used, count);
    head_used += count;
    return count;
  }
};

ArchiveReader::ArchiveReader(const fs::path& file, ArchiveFormat format, std::string what)
    : m_what(std::move(what)), m_archive(archive_read_new()) {
  if (!m_archive) throw Error("cannot read " + m_what + ": libarchive is out of memory");
  support(m_archive, format);
  if (std::optional<std::string> head = read_file_head(file, 2); head && is_gzip_magic(*head)) {
    m_file = std::make_unique<FileByteSource>(file, std::numeric_limits<std::uint64_t>::max(), m_what);
    m_input = std::make_unique<Input>(*m_file);
    m_inflater = std::make_unique<InflatingThread>(*m_input, m_what);
    opened(archive_read_open(m_archive, this, nullptr, &ArchiveReader::read_inflated, nullptr));
  } else {
    // By name, so libarchive can seek past the data of a plain tar's members.
    opened(archive_read_open_filename(m_archive, file.c_str(), 1 << 20));
  }
}

ArchiveReader::ArchiveReader(ByteSource& source, ArchiveFormat format, std::string what)
    : m_what(std::move(what)), m_input(std::make_unique<Input>(source)), m_archive(archive_read_new()) {
  if (!m_archive) throw Error("cannot read " + m_what + ": libarchive is out of memory");
  support(m_archive, format);
  if (is_gzip_magic(m_input->peek(2))) {
    m_inflater = std::make_unique<InflatingThread>(*m_input, m_what);
    opened(archive_read_open(m_archive, this, nullptr, &ArchiveReader::read_inflated, nullptr));
  } else {
    m_input->block = std::make_unique<char[]>(k_plain_block);
    opened(archive_read_open(m_archive, this, nullptr, &ArchiveReader::read_plain, nullptr));
  }
}

// libarchive's read callback over the inflater: an Error cannot cross C frames,
// so it is kept and rethrown by fail() once libarchive reports the failure.
long ArchiveReader::read_inflated(archive*, void* client, const void** block) {
  auto* self = static_cast<ArchiveReader*>(client);
  try {
    const std::string_view bytes = self->m_inflater->next();
    *block = bytes.data();
    return static_cast<long>(bytes.size());
  } catch (...) {
    self->m_failure = std::current_exception();
    return ARCHIVE_FATAL;
  }
}

// The same over plain bytes.
long ArchiveReader::read_plain(archive*, void* client, const void** block) {
  auto* self = static_cast<ArchiveReader*>(client);
  try {
    *block = self->m_input->block.get();
    return static_cast<long>(self->m_input->read(self->m_input->block.get(), k_plain_block));
  } catch (...) {
    self->m_failure = std::current_exception();
    return ARCHIVE_FATAL;
  }
}

ArchiveReader::ArchiveReader(ArchiveReader& outer, ArchiveFormat format, std::string what)
    : m_what(std::move(what)), m_outer(new Outer{outer, {}}), m_archive(archive_read_new()) {
  if (!m_archive) throw Error("cannot read " + m_what + ": libarchive is out of memory");
  support(m_archive, format);
  opened(archive_read_open(m_archive, m_outer.get(), nullptr, &Outer::read, nullptr));
}

void ArchiveReader::opened(int status) {
  if (status != ARCHIVE_OK) {
    std::string why = reason(m_archive);
    archive_read_free(m_archive);
    if (m_failure) std::rethrow_exception(m_failure);
    throw Error("cannot read " + m_what + ": " + why);
  }
}

ArchiveReader::~ArchiveReader() { archive_read_free(m_archive); }

void ArchiveReader::fail(const std::string& doing) {
  if (m_failure) std::rethrow_exception(m_failure);
  throw Error(doing + " " + m_what + ": " + reason(m_archive));
}

std::optional<ArchiveMember> ArchiveReader::next() {
  archive_entry* entry = nullptr;
  int status;
  {
    ScopedNameCharset charset(NameCharset::ascii);
    status = archive_read_next_header(m_archive, &entry);
  }
  if (status == ARCHIVE_EOF) return std::nullopt;
  if (++m_members > k_max_archive_members) {
    throw Error(m_what + " has more than " + std::to_string(k_max_archive_members) + " members, more than venv2docker reads",
                "an archive this large is broken or hostile; use another base or package");
  }
  if (status == ARCHIVE_WARN && !is_name_kept_as_bytes(m_archive)) fail("cannot read");
  if (status != ARCHIVE_OK && status != ARCHIVE_WARN) fail("cannot read");
  ArchiveMember member;
  const char* path = archive_entry_pathname(entry);
  if (!path) fail("a member without a name in");
  member.path = path;
  member.kind = kind_of(entry);
  const char* link = member.kind == ArchiveMember::Kind::hardlink ? archive_entry_hardlink(entry)
                     : member.kind == ArchiveMember::Kind::symlink ? archive_entry_symlink(entry)
                                                                   : nullptr;
  if (member.kind == ArchiveMember::Kind::symlink && !link) fail("a symlink without a target in");
  if (link) member.link_target = link;
  const la_int64_t size = archive_entry_size_is_set(entry) ? archive_entry_size(entry) : 0;
  if (size < 0) fail("a member of negative size in");
  member.size = static_cast<std::uint64_t>(size);
  member.mode = archive_entry_perm(entry) & 07777;
  return member;
}

void ArchiveReader::for_each_block(const std::function<void(const char*, std::size_t)>& consume) {
  char buffer[k_block];
  for (;;) {
    const la_ssize_t got = archive_read_data(m_archive, buffer, sizeof buffer);
    if (got < 0) fail("cannot read");
    if (got == 0) return;
    consume(buffer, static_cast<std::size_t>(got));
  }
}

std::string ArchiveReader::read_all(std::size_t cap, const std::string& what) {
  std::string bytes;
  for_each_block([&](const char* data, std::size_t size) {
    if (bytes.size() + size > cap) throw Error(what + " is larger than " + std::to_string(cap) + " bytes");
    bytes.append(data, size);
  });
  return bytes;
}

}  // namespace venv2docker
