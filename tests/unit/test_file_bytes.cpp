// The one whole-file read: whole, bounded, and an error that names the file;
// and a blob imported from a file, bounded by the size it should have.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "temp_dir.h"
#include "test_images.h"
#include "store/blob_store.h"
#include "util/error.h"
#include "util/file_bytes.h"
#include "util/unique_fd.h"

using namespace venv2docker;
namespace fs = std::filesystem;

TEST_CASE("file bytes: a file is read whole, up to its bound and no further", "[file_bytes]") {
  test::TempDir tmp;
  const std::string bytes = std::string("\0\xFF text\n", 8) + std::string(100000, 'x');
  test::write_bytes(tmp / "data", bytes);
  CHECK(read_file_bytes(tmp / "data", bytes.size()) == bytes);
  CHECK(read_whole_file(tmp / "data", bytes.size() + 1, "the data") == bytes);
  test::write_bytes(tmp / "empty", "");
  CHECK(read_file_bytes(tmp / "empty", 0) == std::string());

  CHECK_THROWS_WITH(read_file_bytes(tmp / "data", bytes.size() - 1),
                    Catch::Contains((tmp / "data").string()) && Catch::Contains(std::to_string(bytes.size() - 1)));
  CHECK_THROWS_AS(read_whole_file(tmp / "data", 10, "the data"), Error);
  // A file with no size to announce (as /proc's) is bounded while it is read.
  CHECK_THROWS_WITH(read_file_bytes("/proc/self/maps", 16), Catch::Contains("/proc/self/maps"));
  CHECK(read_file_bytes("/proc/self/stat", 1 << 20)->size() > 16);
}

TEST_CASE("file bytes: a file that cannot be read is nullopt, or an error naming it and why", "[file_bytes]") {
  test::TempDir tmp;
  CHECK_FALSE(read_file_bytes(tmp / "missing", 100));
  fs::create_directories(tmp / "folder");
  CHECK_FALSE(read_file_bytes(tmp / "folder", 100));
  try {
    read_whole_file(tmp / "missing", 100, "the settings", "check the path");
    FAIL("no error");
  } catch (const Error& error) {
    CHECK_THAT(error.what(), Catch::Contains("cannot read the settings " + (tmp / "missing").string()) &&
                                 Catch::Contains("No such file or directory"));
    CHECK(error.hint() == "check the path");
  }
}

TEST_CASE("blob import: a source longer than its descriptor is refused after one byte too many", "[file_bytes]") {
  test::TempDir tmp;
  BlobStore store(tmp / "store");
  // A sparse 256 MiB file stands for a layout's blob that is far longer than
  // its descriptor says (a link to /dev/zero would never end).
  {
    const UniqueFd file(::open((tmp / "long").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
    REQUIRE(::ftruncate(file.get(), off_t{256} << 20) == 0);
  }
  CHECK_THROWS_WITH(store.import_file(tmp / "long", std::nullopt, 10, "blob of oci:layout"),
                    Catch::Contains("has 11 bytes, expected 10") && Catch::Contains("oci:layout"));
  test::write_bytes(tmp / "exact", "0123456789");
  CHECK(store.import_file(tmp / "exact", sha256_of("0123456789"), 10, "blob") == sha256_of("0123456789"));
}
