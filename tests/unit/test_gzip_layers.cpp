// Base layers compressed as real tools compress them, read through the file
// index's one reader (tar/archive_reader, which inflates gzip with ISA-L):
// every member a plain read of the same tar lists, for one gzip member and for
// many; damaged and truncated layers refused with the layer's digest named.
#include <catch2/catch.hpp>

#include "layer/layer_listing.h"
#include "external_tools.h"
#include "temp_dir.h"
#include "test_images.h"
#include "util/error.h"

using namespace venv2docker;
namespace fs = std::filesystem;

namespace {

// A real tar by GNU tar: files of several sizes (one larger than the
// inflater's buffers), a folder, a link, a selected file whose bytes are kept.
fs::path make_layer_tar(const test::TempDir& tmp) {
  for (const char* tool : {"tar", "gzip", "pigz", "head", "split"}) test::require_tool(tool);
  const fs::path root = tmp / "root";
  fs::create_directories(root / "etc" / "apt");
  fs::create_directories(root / "usr" / "lib");
  test::write_bytes(root / "etc" / "apt" / "sources.list", "deb http://deb.debian.org/debian bookworm main\n");
  std::string big;
  for (std::uint64_t i = 0; big.size() < (std::size_t{3} << 20); ++i) big += "line " + std::to_string(i * 7919 % 100003) + "\n";
  test::write_bytes(root / "usr" / "lib" / "big.txt", big);
  test::write_bytes(root / "usr" / "lib" / "small", "x");
  fs::create_symlink("big.txt", root / "usr" / "lib" / "link");
  const fs::path tar = tmp / "layer.tar";
  REQUIRE(test::run_command("tar -C " + test::quote(root) + " -cf " + test::quote(tar) + " etc usr").status == 0);
  // Random bytes too, which deflate stores rather than compresses.
  REQUIRE(test::run_command("head -c 2000000 /dev/urandom > " + test::quote(root / "random") + " && tar -C " +
                            test::quote(root) + " -rf " + test::quote(tar) + " random")
              .status == 0);
  return tar;
}

Digest import(const BlobStore& store, const fs::path& file) {
  return store.import_file(file, std::nullopt, std::nullopt, "a test layer");
}

void require_same_listing(const LayerListing& got, const LayerListing& expected) {
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    CHECK(got[i].first == expected[i].first);
    CHECK(got[i].second.kind == expected[i].second.kind);
    CHECK(got[i].second.size == expected[i].second.size);
    CHECK(got[i].second.link_target == expected[i].second.link_target);
    CHECK(got[i].second.content == expected[i].second.content);
  }
}

std::string error_of(const Digest& digest, const ContentSelection& contents, const BlobStore& store) {
  try {
    read_layer_listing(digest, contents, store);
  } catch (const Error& error) {
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("gzip layers: one member and many list what the plain tar lists", "[gzip]") {
  test::TempDir tmp;
  const BlobStore store(tmp / "cache");
  const fs::path tar = make_layer_tar(tmp);
  const ContentSelection contents({"/etc/apt/*"});
  const LayerListing plain = read_layer_listing(import(store, tar), contents, store);
  REQUIRE(plain.size() >= 7);
  REQUIRE(std::any_of(plain.begin(), plain.end(), [](const auto& entry) { return entry.second.content.has_value(); }));

  // gzip and pigz: one member each.
  const std::string t = test::quote(tar);
  REQUIRE(test::run_command("gzip -6 -c " + t + " > " + test::quote(tmp / "one.gz")).status == 0);
  REQUIRE(test::run_command("pigz -p2 -1 -c " + t + " > " + test::quote(tmp / "pigz.gz")).status == 0);
  // Members cut anywhere (mid-header, mid-file) and concatenated as
  // `cat a.gz b.gz` makes them, an empty member last.
  const std::string parts = test::quote(tmp / "part.");
  REQUIRE(test::run_command("split -b 700001 " + t + " " + parts + " && for p in " + parts + "*; do gzip -c \"$p\"; done "
                            "> " + test::quote(tmp / "many.gz") + " && gzip -c < /dev/null >> " +
                            test::quote(tmp / "many.gz"))
              .status == 0);
  for (const char* name : {"one.gz", "pigz.gz", "many.gz"}) {
    INFO(name);
    require_same_listing(read_layer_listing(import(store, tmp / name), contents, store), plain);
  }
}

TEST_CASE("gzip layers: a damaged or truncated layer is refused, naming its digest", "[gzip]") {
  test::TempDir tmp;
  const BlobStore store(tmp / "cache");
  const fs::path tar = make_layer_tar(tmp);
  const ContentSelection contents({"/etc/apt/*"});
  const fs::path gz = tmp / "layer.gz";
  REQUIRE(test::run_command("gzip -6 -c " + test::quote(tar) + " > " + test::quote(gz)).status == 0);
  const std::string bytes = test::read_bytes(gz);

  // The damaged file as a layer in the store, and the error reading it gives,
  // which must name the layer by its digest.
  const auto reading_error = [&](const std::string& name, const std::string& damaged) {
    test::write_bytes(tmp / name, damaged);
    const Digest digest = import(store, tmp / name);
    const std::string error = error_of(digest, contents, store);
    CHECK_THAT(error, Catch::Contains("layer " + digest.str()));
    return error;
  };

  SECTION("truncated inside the member") {
    CHECK_THAT(reading_error("cut.gz", bytes.substr(0, bytes.size() * 2 / 3)), Catch::Contains("truncated"));
  }
  SECTION("its trailer's CRC does not match its bytes") {
    std::string damaged = bytes;
    damaged[damaged.size() - 8] ^= 0x01;
    CHECK_THAT(reading_error("crc.gz", damaged), Catch::Contains("CRC"));
  }
  SECTION("bytes damaged in the middle") {
    std::string damaged = bytes;
    for (std::size_t i = damaged.size() / 2; i < damaged.size() / 2 + 64; ++i) damaged[i] = static_cast<char>(0xff);
    reading_error("mid.gz", damaged);
  }
  SECTION("a gzip header and nothing else") {
    reading_error("header.gz", bytes.substr(0, 10));
  }
  // Nothing is cached for a layer that could not be read.
  CHECK(test::run_command("ls " + test::quote(tmp / "cache" / "listings") + " 2>/dev/null | grep -c .").output == "0\n");
}
