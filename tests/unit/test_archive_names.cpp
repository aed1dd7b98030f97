// Names are bytes: every path and link target goes into a layer exactly as
// the file system holds it and comes out of an archive exactly as stored,
// whatever the process locale. GNU tar is the independent reader and writer.
#include <catch2/catch.hpp>

#include <clocale>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "debian/deb_file.h"
#include "image/base_image.h"
#include "layer/file_index.h"
#include "layer/layer_writer.h"
#include "store/blob_store.h"
#include "tar/archive_reader.h"
#include "temp_dir.h"
#include "util/process.h"
#include "venv_fixture.h"
#include "walk/tree_walk.h"

using namespace venv2docker;
namespace fs = std::filesystem;

namespace {

const std::string k_nfc = "caf\xc3\xa9.txt";
const std::string k_nfd = "cafe\xcc\x81.txt";
const std::string k_cjk = "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.txt";
const std::string k_emoji = "\xf0\x9f\x90\x8d.py";
const std::string k_latin1 = "latin\xe9.txt";  // not UTF-8
const std::string k_long(240, 'n');
const std::string k_deep = "d/" + std::string(60, 'a') + "/" + std::string(60, 'b') + "/file";

// The locales the same bytes must come out of. The Latin-1 one is made by
// scripts/test (localedef), so its absence is a failure, not a skip.
const std::vector<std::string> k_locales = {"C", "POSIX", "C.UTF-8", "en_US.ISO-8859-1"};

class ProcessLocale {
 public:
  explicit ProcessLocale(const std::string& name) {
    INFO("locale " << name);
    REQUIRE(std::setlocale(LC_ALL, name.c_str()) != nullptr);
  }
  ~ProcessLocale() { std::setlocale(LC_ALL, "C"); }
};

// Relative path -> link target ("" for files), as the tree holds them.
using Tree = std::set<std::pair<std::string, std::string>>;

Tree make_awkward_tree(const fs::path& root) {
  for (const std::string& name : {k_nfc, k_nfd, k_cjk, k_emoji, k_latin1, k_long, k_deep}) {
    test::write_file(root / name, name);
  }
  fs::create_symlink(k_nfc, root / ("link-" + k_nfd));
  fs::create_symlink(k_latin1, root / "latin1-link");
  Tree tree;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    const std::string relative = it->path().lexically_relative(root).string();
    tree.insert({relative, it->is_symlink() ? fs::read_symlink(it->path()).string() : ""});
  }
  return tree;
}

Tree read_with_archive_reader(const fs::path& archive, const std::string& prefix) {
  Tree tree;
  ArchiveReader reader(archive, ArchiveFormat::tar, archive.string());
  while (auto member = reader.next()) {
    std::string path = member->path;
    if (path.starts_with("./")) path.erase(0, 2);
    if (path.ends_with("/")) path.pop_back();
    if (!path.starts_with(prefix) || path == prefix.substr(0, prefix.size() - 1)) continue;
    tree.insert({path.substr(prefix.size()), member->kind == ArchiveMember::Kind::symlink ? member->link_target : ""});
  }
  return tree;
}

Tree extract_with_gnu_tar(const fs::path& archive, const fs::path& into, const std::string& prefix) {
  fs::create_directories(into);
  ProcessResult extracted = run_process({"env", "LC_ALL=C.UTF-8", "tar", "-xf", archive.string(), "-C", into.string()},
                                            ChildEnvironment::bare);
  INFO(extracted.err);
  REQUIRE(extracted.exit_code == 0);
  Tree tree;
  const fs::path root = into / prefix;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    tree.insert({it->path().lexically_relative(root).string(),
                 it->is_symlink() ? fs::read_symlink(it->path()).string() : ""});
  }
  return tree;
}

Layer layer_of(const fs::path& source, const BlobStore& store) {
  WalkOptions walk;
  walk.source = source;
  walk.destination = "/app";
  std::vector<std::string> warnings;
  return write_layer(walk_tree(walk, warnings), LayerOptions{}, store);
}

// One ustar header block, checksum included.
std::string ustar_header(const std::string& name, char type, std::size_t size, const std::string& link = {}) {
  std::string block(512, '\0');
  std::memcpy(block.data(), name.data(), name.size());
  std::memcpy(block.data() + 157, link.data(), link.size());
  std::snprintf(block.data() + 100, 8, "%07o", 0644);
  std::snprintf(block.data() + 108, 8, "%07o", 0);
  std::snprintf(block.data() + 116, 8, "%07o", 0);
  std::snprintf(block.data() + 124, 12, "%011zo", size);
  std::snprintf(block.data() + 136, 12, "%011o", 0);
  block[156] = type;
  std::memcpy(block.data() + 257, "ustar\0" "00", 8);
  std::memset(block.data() + 148, ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : block) sum += c;
  std::snprintf(block.data() + 148, 8, "%06o", sum);
  return block;
}

std::string padded(std::string data) {
  data.resize((data.size() + 511) / 512 * 512, '\0');
  return data;
}

}  // namespace

TEST_CASE("names are bytes: a layer holds every name as the file system does, in every locale") {
  test::TempDir dir;
  const Tree tree = make_awkward_tree(dir / "src");
  std::set<std::string> digests;
  for (const std::string& locale : k_locales) {
    ProcessLocale process_locale(locale);
    BlobStore store(dir / ("store-" + locale));
    const Layer layer = layer_of(dir / "src", store);
    digests.insert(layer.blob.digest.str());
    CHECK(read_with_archive_reader(store.path_of(layer.blob.digest), "app/") == tree);
    CHECK(extract_with_gnu_tar(store.path_of(layer.blob.digest), dir / ("gnu-tar-" + locale), "app") == tree);
  }
  CHECK(digests.size() == 1);
}

TEST_CASE("names are bytes: pax names written by GNU tar read back exactly, NFD included, in every locale") {
  test::TempDir dir;
  const Tree tree = make_awkward_tree(dir / "src" / "top");
  const fs::path archive = dir / "gnu-pax.tar";
  ProcessResult made = run_process({"env", "LC_ALL=C.UTF-8", "tar", "--format=pax", "-cf", archive.string(), "-C",
                                    (dir / "src").string(), "top"},
                                    ChildEnvironment::bare);
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  for (const std::string& locale : k_locales) {
    ProcessLocale process_locale(locale);
    CHECK(read_with_archive_reader(archive, "top/") == tree);
  }
}

TEST_CASE("the archive reader refuses warnings other than a name kept as bytes, and damaged tars") {
  test::TempDir dir;
  SECTION("a malformed pax record") {
    const std::string record = "garbage without a length\n";
    const fs::path archive = dir / "malformed.tar";
    test::write_file(archive, ustar_header("PaxHeaders/f", 'x', record.size()) + padded(record) +
                                  ustar_header("f", '0', 0) + std::string(1024, '\0'));
    ArchiveReader reader(archive, ArchiveFormat::tar, "the malformed layer");
    CHECK_THROWS_WITH(reader.next(), Catch::Contains("the malformed layer") && Catch::Contains("pax"));
  }
  SECTION("a truncated tar") {
    const fs::path archive = dir / "truncated.tar";
    test::write_file(archive, ustar_header("big", '0', 4096) + std::string(512, 'x'));
    ArchiveReader reader(archive, ArchiveFormat::tar, "the truncated layer");
    REQUIRE(reader.next());
    CHECK_THROWS_WITH(reader.read_all(1 << 20, "big"), Catch::Contains("the truncated layer"));
  }
}

TEST_CASE("a .deb's Latin-1 maintainer script and non-UTF-8 names are bytes, unpacked and from the cache") {
  test::TempDir dir;
  const fs::path root = dir / "pkg";
  test::write_file(root / "DEBIAN/control",
                   "Package: v2d-latin1\nVersion: 1.0\nArchitecture: all\nMaintainer: T <t@v2d.invalid>\n"
                   "Description: test\n");
  const std::string postinst = "#!/bin/sh\n# Fran\xe7ois wrote this\nexit 0\n";
  test::write_file(root / "DEBIAN/postinst", postinst);
  fs::permissions(root / "DEBIAN/postinst", fs::perms(0755));
  test::write_file(root / "usr/share/v2d" / k_latin1, "x");
  test::write_file(root / "usr/share/v2d" / k_nfd, "y");
  const fs::path deb = dir / "v2d-latin1.deb";
  ProcessResult built = run_process({"dpkg-deb", "--root-owner-group", "--build", root.string(), deb.string()},
                                     ChildEnvironment::bare);
  INFO(built.err);
  REQUIRE(built.exit_code == 0);
  BlobStore store(dir / "cache");
  const Digest digest = store.import_file(deb, std::nullopt, std::nullopt, "test deb");
  for (int pass = 0; pass < 2; ++pass) {  // unpacked, then from the record
    const debian::UnpackedDeb unpacked = debian::unpack_deb(digest, store, "v2d-latin1.deb");
    CHECK(unpacked.control_files.at("postinst") == postinst);
    std::set<std::string> paths;
    for (const auto& entry : unpacked.entries) paths.insert(entry.path);
    CHECK(paths.count("/usr/share/v2d/" + k_latin1) == 1);
    CHECK(paths.count("/usr/share/v2d/" + k_nfd) == 1);
  }
}

TEST_CASE("a base layer's hard link to a file of a lower layer is that file in the index") {
  test::TempDir dir;
  BlobStore store(dir / "store");
  const std::string os_release = "ID=debian\n";
  std::vector<LayerEntry> lower{
      LayerEntry{"/etc/os-release", EntryKind::regular, 0644, {}, {}, os_release, os_release.size(), std::nullopt}};
  // As Docker writes a hard link made by a later RUN step: the target is
  // only in the layer below.
  const std::string upper_tar = ustar_header("usr/lib/os-release", '1', 0, "etc/os-release") + std::string(1024, '\0');
  const Digest upper = store.put(upper_tar);
  Image image = scratch_image(store).image;
  image.layers.push_back(write_layer(lower, LayerOptions{}, store));
  image.layers.push_back(Layer{Descriptor{"application/vnd.oci.image.layer.v1.tar", upper, upper_tar.size(), {}, std::nullopt}, upper});
  const FileIndex index = FileIndex::of_image(image, ContentSelection({"/etc/os-release"}), store);
  const IndexedFile* linked = index.find("/usr/lib/os-release");
  REQUIRE(linked);
  CHECK(linked->kind == EntryKind::regular);
  CHECK(linked->size == os_release.size());
  CHECK(linked->content == os_release);
}
