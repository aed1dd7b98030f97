#include "debian/deb_file.h"

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "store/cache_record.h"
#include "tar/archive_reader.h"
#include "tar/image_path.h"
#include "tar/whiteout.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/text_util.h"

namespace venv2docker::debian {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr std::size_t k_max_control_file = std::size_t{16} << 20;
// The unpacked package's entries and control files. Bump the version when
// the record's content or meaning changes: old records are ignored.
constexpr CacheRecordKind k_unpacked_deb_record{"unpacked-deb", 4, std::size_t{1} << 30};

// "./usr/bin/jq" -> "/usr/bin/jq"; refuses anything that could climb out.
std::string safe_image_path(const std::string& name, const std::string& what) {
  std::string path = image_path_of(name);
  for (std::size_t start = 1; start <= path.size();) {
    auto end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string_view part(path.data() + start, end - start);
    if (part == ".." || part == "." || (part.empty() && path != "/")) {
      throw Error(what + " holds an unsafe path \"" + name + "\"", "the package is malformed; nothing was installed");
    }
    start = end + 1;
  }
  return path;
}

void read_control(ArchiveReader& tar, UnpackedDeb& deb, const std::string& what) {
  while (std::optional<ArchiveMember> member = tar.next()) {
    if (member->kind != ArchiveMember::Kind::regular) continue;
    std::string name = image_path_of(member->path).substr(1);
    if (name.find('/') != std::string::npos) continue;
    deb.control_files[name] = tar.read_all(k_max_control_file, what + " " + name);
  }
}

void copy_to_file(ArchiveReader& tar, const fs::path& file) {
  AtomicFile out(file);
  tar.for_each_block([&](const char* data, std::size_t size) { out.write(data, size); });
  out.commit();
}

void read_data(ArchiveReader& tar, const fs::path& files_folder, UnpackedDeb& deb, const std::string& what) {
  std::map<std::string, LayerEntry> regular_by_path;  // for hard links, to files left out too
  std::size_t files_written = 0;
  while (std::optional<ArchiveMember> member = tar.next()) {
    std::string path = safe_image_path(member->path, what);
    if (path == "/") continue;
    const bool whiteout = names_whiteout(path);
    if (whiteout) {
      deb.warnings.push_back(what + " holds " + utf8_for_message(path) +
                             ", named like an OCI whiteout (.wh.*), which would delete or "
                             "hide files of the base image; left out");
    }
    LayerEntry out;
    out.path = path;
    out.mode = member->mode;
    switch (member->kind) {
      case ArchiveMember::Kind::hardlink: {
        auto found = regular_by_path.find(safe_image_path(member->link_target, what));
        if (found == regular_by_path.end()) throw Error(what + ": hard link " + path + " to a file it does not hold");
        out = found->second;
        out.path = path;
        break;
      }
      case ArchiveMember::Kind::directory:
        out.kind = EntryKind::directory;
        break;
      case ArchiveMember::Kind::symlink:
        out.kind = EntryKind::symlink;
        out.link_target = member->link_target;
        break;
      case ArchiveMember::Kind::regular:
        out.source = files_folder / std::to_string(files_written++);
        out.size = member->size;
        copy_to_file(tar, out.source);
        regular_by_path[path] = out;
        break;
      case ArchiveMember::Kind::other:
        throw Error(what + " holds " + path + ", which is not a file, folder or link",
                    "device files and fifos cannot be installed without running dpkg in the image");
    }
    if (!whiteout) deb.entries.push_back(std::move(out));
  }
}

UnpackedDeb read_deb(const fs::path& deb_file, const fs::path& folder, const std::string& what) {
  UnpackedDeb deb;
  ArchiveReader outer(deb_file, ArchiveFormat::ar, what);
  bool have_control = false, have_data = false;
  while (std::optional<ArchiveMember> member = outer.next()) {
    const std::string& name = member->path;
    if (!name.starts_with("control.tar") && !name.starts_with("data.tar")) continue;
    ArchiveReader tar(outer, ArchiveFormat::tar, what + " " + name);
    if (name.starts_with("control.tar")) {
      read_control(tar, deb, what);
      have_control = true;
    } else {
      fs::create_directories(folder / "files");
      read_data(tar, folder / "files", deb, what);
      have_data = true;
    }
  }
  if (!have_control || !have_data || !deb.control_files.count("control")) {
    throw Error(what + " is not a Debian package (no control.tar or data.tar)");
  }
  return deb;
}

// Names and maintainer scripts are bytes (exim4-config's scripts hold
// Latin-1), so the record keeps them as byte strings, never text. Sources are
// kept relative to the package's folder, which is renamed into place.
json encode(const UnpackedDeb& deb, const fs::path& folder) {
  json entries = json::array();
  for (const auto& entry : deb.entries) {
    entries.push_back(json::array(
        {cache_bytes(entry.path), static_cast<int>(entry.kind), entry.mode, cache_bytes(entry.link_target),
         cache_bytes(entry.source.empty() ? "" : fs::path(entry.source).lexically_relative(folder).string()),
         entry.size}));
  }
  json control = json::array();
  for (const auto& [name, content] : deb.control_files) control.push_back({cache_bytes(name), cache_bytes(content)});
  return {{"entries", entries}, {"control", control}, {"warnings", cache_bytes_list(deb.warnings)}};
}

std::optional<UnpackedDeb> decode(const fs::path& record, const fs::path& folder) {
  std::optional<json> body = read_cache_record(record, k_unpacked_deb_record);
  if (!body) return std::nullopt;
  try {
    UnpackedDeb deb;
    for (const auto& item : body->at("entries")) {
      LayerEntry entry;
      entry.path = bytes_from_cache(item.at(0));
      entry.kind = static_cast<EntryKind>(item.at(1).get<int>());
      entry.mode = item.at(2).get<std::uint32_t>();
      entry.link_target = bytes_from_cache(item.at(3));
      const std::string source = bytes_from_cache(item.at(4));
      if (!source.empty()) entry.source = folder / source;
      entry.size = item.at(5).get<std::uint64_t>();
      deb.entries.push_back(std::move(entry));
    }
    for (const auto& item : body->at("control")) deb.control_files[bytes_from_cache(item.at(0))] = bytes_from_cache(item.at(1));
    deb.warnings = bytes_list_from_cache(body->at("warnings"));
    return deb;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

}  // namespace

UnpackedDeb unpack_deb(const Digest& deb, const BlobStore& store, const std::string& what) {
  fs::path folder = store.root() / "apt" / "unpacked" / std::string(deb.hex());
  if (auto saved = decode(folder / "entries.cbor", folder)) return *saved;
  AtomicDirectory staging(folder);
  UnpackedDeb unpacked = read_deb(store.path_of(deb), staging.path(), what);
  write_cache_record(staging.path() / "entries.cbor", k_unpacked_deb_record, encode(unpacked, staging.path()));
  staging.commit();
  // The entries were made in the staging folder; they live in `folder` now.
  for (auto& entry : unpacked.entries) {
    if (!entry.source.empty()) entry.source = (folder / fs::path(entry.source).lexically_relative(staging.path())).string();
  }
  return unpacked;
}

}  // namespace venv2docker::debian
