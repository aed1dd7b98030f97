#include "debian/deb_file.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

#include <nlohmann/json.hpp>

#include "archive_data.h"
#include "atomic_file.h"
#include "file_bytes.h"
#include "venv2docker/error.h"
#include "venv2docker/file_index.h"

namespace venv2docker::debian {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// The record of an unpacked package (CBOR): control files and maintainer
// scripts are bytes in whatever encoding the package used (exim4-config's
// hold Latin-1), so they are stored as byte strings, never as JSON text.
constexpr int k_format = 2;
constexpr const char* k_record = "entries.cbor";
constexpr std::size_t k_max_control_file = std::size_t{16} << 20;

using ArchivePtr = std::unique_ptr<archive, decltype(&archive_read_free)>;

ArchivePtr new_reader() { return ArchivePtr(archive_read_new(), archive_read_free); }

// An inner tar read straight out of the outer ar member, no temporary file.
struct MemberStream {
  archive* outer;
  char buffer[1 << 16];
};

la_ssize_t read_member(archive*, void* client, const void** block) {
  auto* stream = static_cast<MemberStream*>(client);
  *block = stream->buffer;
  return archive_read_data(stream->outer, stream->buffer, sizeof stream->buffer);
}

ArchivePtr open_member_tar(MemberStream& stream, const std::string& what) {
  ArchivePtr inner = new_reader();
  archive_read_support_filter_all(inner.get());
  archive_read_support_format_tar(inner.get());
  if (archive_read_open(inner.get(), &stream, nullptr, read_member, nullptr) != ARCHIVE_OK) {
    throw Error("cannot read " + what + ": " + archive_error_string(inner.get()));
  }
  return inner;
}

// "./usr/bin/jq" -> "/usr/bin/jq"; refuses anything that could climb out.
std::string safe_image_path(const char* name, const std::string& what) {
  std::string path = image_path_of(name ? name : "");
  for (std::size_t start = 1; start <= path.size();) {
    auto end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string_view part(path.data() + start, end - start);
    if (part == ".." || part == "." || (part.empty() && path != "/")) {
      throw Error(what + " holds an unsafe path \"" + std::string(name) + "\"", "the package is malformed; nothing was installed");
    }
    start = end + 1;
  }
  return path;
}

void read_control(archive* tar, UnpackedDeb& deb, const std::string& what) {
  archive_entry* entry = nullptr;
  while (archive_read_next_header(tar, &entry) == ARCHIVE_OK) {
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    std::string name = image_path_of(archive_entry_pathname(entry)).substr(1);
    if (name.find('/') != std::string::npos) continue;
    deb.control_files[name] = read_entry_data(tar, k_max_control_file, what + " " + name);
  }
}

void copy_to_file(archive* tar, const fs::path& file, const std::string& what) {
  AtomicFile out(file);
  for_each_data_block(tar, what, [&](const char* data, std::size_t size) { out.write(data, size); });
  out.commit();
}

void read_data(archive* tar, const fs::path& files_folder, UnpackedDeb& deb, const std::string& what) {
  std::map<std::string, std::size_t> regular_by_path;  // for hard links
  archive_entry* entry = nullptr;
  int status;
  while ((status = archive_read_next_header(tar, &entry)) == ARCHIVE_OK) {
    std::string path = safe_image_path(archive_entry_pathname(entry), what);
    if (path == "/") continue;
    LayerEntry out;
    out.path = path;
    out.mode = archive_entry_perm(entry) & 07777;
    if (const char* target = archive_entry_hardlink(entry)) {
      auto found = regular_by_path.find(safe_image_path(target, what));
      if (found == regular_by_path.end()) throw Error(what + ": hard link " + path + " to a file it does not hold");
      out = deb.entries[found->second];
      out.path = path;
    } else if (archive_entry_filetype(entry) == AE_IFDIR) {
      out.kind = EntryKind::directory;
    } else if (archive_entry_filetype(entry) == AE_IFLNK) {
      out.kind = EntryKind::symlink;
      out.link_target = archive_entry_symlink(entry) ? archive_entry_symlink(entry) : "";
    } else if (archive_entry_filetype(entry) == AE_IFREG) {
      out.source = files_folder / std::to_string(deb.entries.size());
      out.size = static_cast<std::uint64_t>(archive_entry_size(entry));
      copy_to_file(tar, out.source, what + " " + path);
      regular_by_path[path] = deb.entries.size();
    } else {
      throw Error(what + " holds " + path + ", which is not a file, folder or link",
                  "device files and fifos cannot be installed without running dpkg in the image");
    }
    deb.entries.push_back(std::move(out));
  }
  if (status != ARCHIVE_EOF) throw Error("cannot read " + what + ": " + archive_error_string(tar));
}

UnpackedDeb read_deb(const fs::path& deb_file, const fs::path& folder, const std::string& what) {
  UnpackedDeb deb;
  ArchivePtr outer = new_reader();
  archive_read_support_format_ar(outer.get());
  if (archive_read_open_filename(outer.get(), deb_file.c_str(), 1 << 16) != ARCHIVE_OK) {
    throw Error("cannot open " + what + ": " + archive_error_string(outer.get()));
  }
  bool have_control = false, have_data = false;
  archive_entry* member = nullptr;
  while (archive_read_next_header(outer.get(), &member) == ARCHIVE_OK) {
    std::string name = archive_entry_pathname(member);
    if (!name.starts_with("control.tar") && !name.starts_with("data.tar")) continue;
    MemberStream stream{outer.get(), {}};
    ArchivePtr tar = open_member_tar(stream, what + " " + name);
    if (name.starts_with("control.tar")) {
      read_control(tar.get(), deb, what);
      have_control = true;
    } else {
      fs::create_directories(folder / "files");
      read_data(tar.get(), folder / "files", deb, what);
      have_data = true;
    }
  }
  if (!have_control || !have_data || !deb.control_files.count("control")) {
    throw Error(what + " is not a Debian package (no control.tar or data.tar)");
  }
  return deb;
}

std::string to_record(const UnpackedDeb& deb, const fs::path& folder) {
  json entries = json::array();
  for (const auto& entry : deb.entries) {
    entries.push_back({{"path", entry.path},
                       {"kind", static_cast<int>(entry.kind)},
                       {"mode", entry.mode},
                       {"link", entry.link_target},
                       {"source", entry.source.empty() ? "" : fs::path(entry.source).lexically_relative(folder).string()},
                       {"size", entry.size}});
  }
  json control = json::object();
  for (const auto& [name, bytes] : deb.control_files) {
    control[name] = json::binary(std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
  }
  const auto record = json::to_cbor({{"format", k_format}, {"entries", entries}, {"control", control}});
  return std::string(record.begin(), record.end());
}

std::optional<UnpackedDeb> from_record(const fs::path& record_file, const fs::path& folder) {
  const auto bytes = read_file_bytes(record_file);
  if (!bytes) return std::nullopt;
  json document = json::from_cbor(*bytes, true, false);
  if (document.is_discarded() || !document.is_object() || document.value("format", 0) != k_format) {
    return std::nullopt;
  }
  UnpackedDeb deb;
  try {
    for (const auto& item : document.at("entries")) {
      LayerEntry entry;
      entry.path = item.at("path");
      entry.kind = static_cast<EntryKind>(item.at("kind").get<int>());
      entry.mode = item.at("mode");
      entry.link_target = item.at("link");
      std::string source = item.at("source");
      if (!source.empty()) entry.source = folder / source;
      entry.size = item.at("size");
      deb.entries.push_back(std::move(entry));
    }
    for (const auto& [name, bytes] : document.at("control").items()) {
      const auto& binary = bytes.get_binary();
      deb.control_files[name] = std::string(binary.begin(), binary.end());
    }
  } catch (const json::exception&) {
    return std::nullopt;  // damaged: unpacked again
  }
  return deb;
}

}  // namespace

UnpackedDeb unpack_deb(const Digest& deb, const BlobStore& store, const std::string& what) {
  fs::path folder = store.root() / "apt" / "unpacked" / std::string(deb.hex());
  if (auto saved = from_record(folder / k_record, folder)) return *saved;
  AtomicDirectory staging(folder);
  UnpackedDeb unpacked = read_deb(store.path_of(deb), staging.path(), what);
  write_file_atomically(staging.path() / k_record, to_record(unpacked, staging.path()));
  staging.commit();
  // The entries were made in the staging folder; they live in `folder` now.
  for (auto& entry : unpacked.entries) {
    if (!entry.source.empty()) entry.source = (folder / fs::path(entry.source).lexically_relative(staging.path())).string();
  }
  return unpacked;
}

}  // namespace venv2docker::debian
