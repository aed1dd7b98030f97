#include <catch2/catch.hpp>

#include "image/base_image.h"
#include "layer/file_index.h"
#include "layer/layer_writer.h"
#include "tar/image_path.h"
#include "temp_dir.h"
#include "util/process.h"
#include "venv_fixture.h"

using namespace venv2docker;
namespace fs = std::filesystem;

namespace {
IndexedFile file() { return IndexedFile{EntryKind::regular, {}, 10, 0644, std::nullopt, std::nullopt}; }
IndexedFile folder() { return IndexedFile{EntryKind::directory, {}, 0, 0755, std::nullopt, std::nullopt}; }
IndexedFile link(const std::string& target) { return IndexedFile{EntryKind::symlink, target, 0, 0777, std::nullopt, std::nullopt}; }
}  // namespace

TEST_CASE("file index applies whiteouts layer by layer") {
  FileIndex index;
  index.apply("./etc/", folder(), 0);
  index.apply("./etc/a", file(), 0);
  index.apply("./etc/b", file(), 0);
  index.apply("./var/lib/x/y", file(), 0);
  index.apply("etc/.wh.a", file(), 1);         // deletes /etc/a
  index.apply("var/lib/x/z", file(), 1);       // added before the opaque marker in the same layer
  index.apply("var/lib/x/.wh..wh..opq", file(), 1);  // hides lower contents only
  CHECK(index.find("/etc/a") == nullptr);
  CHECK(index.find("/etc/b") != nullptr);
  CHECK(index.find("/var/lib/x/y") == nullptr);
  CHECK(index.find("/var/lib/x/z") != nullptr);
  CHECK(index.find("/etc/.wh.a") == nullptr);
}

TEST_CASE("member names are keyed as Docker cleans them") {
  CHECK(image_path_of("./usr/bin/") == "/usr/bin");
  CHECK(image_path_of("usr/bin") == "/usr/bin");
  CHECK(image_path_of("/usr//bin/./python3") == "/usr/bin/python3");
  CHECK(image_path_of("usr/../etc") == "/usr/../etc");  // kept for the .deb reader to refuse
  for (const char* root : {".", "./", "/", "", "./.", "././"}) CHECK(image_path_of(root) == "/");

  // umoci writes the root folder as ".": it is the root, not a file named ".".
  FileIndex index;
  index.apply(".", IndexedFile{EntryKind::directory, {}, 0, 0700, std::nullopt, std::nullopt}, 0);
  index.apply("corpus", folder(), 0);
  CHECK(index.find("/") != nullptr);
  CHECK(index.find("/")->mode == 0700);
  CHECK(index.under("/") == std::vector<std::string>{"/", "/corpus"});
}

TEST_CASE("file index resolves links as the kernel does") {
  FileIndex index;
  index.apply("usr/bin/python3.11", file(), 0);
  index.apply("usr/bin/python3", link("python3.11"), 0);
  index.apply("bin", link("usr/bin"), 0);
  index.apply("usr/local/bin/python3", link("/bin/python3"), 0);
  index.apply("loop", link("loop"), 0);
  CHECK(index.resolve("/bin/python3") == "/usr/bin/python3.11");
  CHECK(index.resolve("/usr/local/bin/python3") == "/usr/bin/python3.11");
  CHECK(index.resolve("/usr/bin/../bin/python3") == "/usr/bin/python3.11");
  CHECK_FALSE(index.resolve("/usr/bin/python2"));
  CHECK_FALSE(index.resolve("/loop"));
}

TEST_CASE("interpreters are found only with their standard library") {
  FileIndex index;
  index.apply("usr/bin/python3.11", file(), 0);
  index.apply("usr/lib/python3.11/os.py", file(), 0);
  index.apply("usr/local/bin/python3.12", file(), 0);  // no stdlib: not a usable interpreter
  index.apply("opt/py/bin/python3.13", file(), 0);
  index.apply("opt/py/lib/python3.13/os.py", file(), 0);
  CHECK(find_interpreter(index, "3.11") == "/usr/bin/python3.11");
  CHECK(find_interpreter(index, "3.13") == "/opt/py/bin/python3.13");
  CHECK_FALSE(find_interpreter(index, "3.12"));
  CHECK(list_interpreters(index) == std::vector<std::string>{"/usr/local/bin/python3.12", "/usr/bin/python3.11",
                                                             "/opt/py/bin/python3.13"});
}

TEST_CASE("file index reads real layers from the blob store") {
  test::TempDir dir;
  BlobStore store(dir / "store");
  LayerOptions options;
  std::vector<LayerEntry> lower{
      LayerEntry{"/usr/bin/python3.11", EntryKind::regular, 0755, {}, {}, std::string("ELF"), 3, std::nullopt},
      LayerEntry{"/usr/lib/python3.11/os.py", EntryKind::regular, 0644, {}, {}, std::string("#"), 1, std::nullopt},
      LayerEntry{"/tmp/junk", EntryKind::regular, 0644, {}, {}, std::string("x"), 1, std::nullopt},
  };
  BaseImage base = scratch_image(store);
  Image image = base.image;
  image.layers.push_back(write_layer(lower, options, store));
  // Our tar writer refuses whiteout names, so the upper layer comes from GNU tar,
  // as a base built elsewhere would.
  test::write_file(dir / "upper/tmp/.wh.junk", "");
  const fs::path upper = dir / "upper.tar";
  REQUIRE(run_process({"tar", "--format=pax", "-cf", upper.string(), "-C", (dir / "upper").string(), "tmp"},
                      ChildEnvironment::bare)
              .exit_code == 0);
  const Digest upper_digest = store.import_file(upper, std::nullopt, std::nullopt, "the upper layer");
  image.layers.push_back(
      Layer{Descriptor{std::string(media_type::oci_layer_tar), upper_digest, fs::file_size(upper), {}, {}}, upper_digest});
  FileIndex index = FileIndex::of_image(image, ContentSelection(), store);
  CHECK(find_interpreter(index, "3.11") == "/usr/bin/python3.11");
  CHECK(index.find("/tmp/junk") == nullptr);
  CHECK(index.find("/tmp") != nullptr);
  CHECK(index.find("/usr/bin/python3.11")->mode == 0755);
  CHECK_FALSE(index.find("/usr/bin/python3.11")->content);
}

TEST_CASE("content selections match image paths with '*' across folders") {
  const ContentSelection selection({"/etc/apt/*", "*/libc.so.6", "/var/lib/dpkg/status", "/a/*/b*c"});
  CHECK(selection.selects("/etc/apt/sources.list", 10));
  CHECK(selection.selects("/etc/apt/sources.list.d/debian.sources", 10));
  CHECK(selection.selects("/lib/x86_64-linux-gnu/libc.so.6", 10));
  CHECK(selection.selects("/var/lib/dpkg/status", 10));
  CHECK(selection.selects("/a/x/y/bzzc", 10));
  CHECK_FALSE(selection.selects("/etc/aptitude", 10));
  CHECK_FALSE(selection.selects("/lib/xlibc.so.6", 10));
  CHECK_FALSE(selection.selects("/lib/libc.so.6.1", 10));
  CHECK_FALSE(selection.selects("/var/lib/dpkg/status-old", 10));
  CHECK_FALSE(selection.selects("/a/x/bcd", 10));
  CHECK_FALSE(selection.selects("/etc/apt/huge", (std::uint64_t{16} << 20) + 1));
  CHECK_FALSE(ContentSelection().selects("/etc/apt/sources.list", 10));

  ContentSelection both({"/etc/ld.so.conf"});
  both.add(selection).add(ContentSelection({"/etc/ld.so.conf"}));
  CHECK(both.patterns() == std::vector<std::string>{"/etc/ld.so.conf", "/etc/apt/*", "*/libc.so.6",
                                                     "/var/lib/dpkg/status", "/a/*/b*c"});
}

TEST_CASE("an index keeps the bytes its caller selects, whatever a cached listing kept") {
  test::TempDir dir;
  BlobStore store(dir / "store");
  std::vector<LayerEntry> entries{
      LayerEntry{"/etc/apt/sources.list", EntryKind::regular, 0644, {}, {}, std::string("deb x"), 5, std::nullopt},
      LayerEntry{"/etc/os-release", EntryKind::regular, 0644, {}, {}, std::string("ID=x"), 4, std::nullopt},
  };
  Image image = scratch_image(store).image;
  image.layers.push_back(write_layer(entries, LayerOptions{}, store));

  const FileIndex apt = FileIndex::of_image(image, ContentSelection({"/etc/apt/*"}), store);
  CHECK(apt.find("/etc/apt/sources.list")->content == "deb x");
  CHECK_FALSE(apt.find("/etc/os-release")->content);
  // The listing cached above kept other bytes: it is made again, not misread.
  const FileIndex release = FileIndex::of_image(image, ContentSelection({"/etc/os-release"}), store);
  CHECK_FALSE(release.find("/etc/apt/sources.list")->content);
  CHECK(release.find("/etc/os-release")->content == "ID=x");
  const FileIndex again = FileIndex::of_image(image, ContentSelection({"/etc/os-release"}), store);
  CHECK(again.find("/etc/os-release")->content == "ID=x");
}
