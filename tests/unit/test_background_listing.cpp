// A layer listed on its own thread from bytes another thread hands it (a
// layout's file read, hashed and stored; a download): the listing of a real
// `tar | gzip` layer, bytes after the tar's end passed on without blocking, a
// listing that fails early never blocking the writer and handing its error
// over, and bytes that stop coming ending the thread instead of hanging it.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "layer/background_listing.h"
#include "store/digest.h"
#include "util/error.h"

#include "external_tools.h"
#include "temp_dir.h"
#include "test_images.h"

using namespace venv2docker;
using namespace venv2docker::test;

namespace {

// A gzip layer made by tar and gzip: /app/hello.txt and a large incompressible
// file, so that its bytes are many times what the channel between the threads holds.
std::string real_layer(const TempDir& dir) {
  std::filesystem::create_directories(dir / "root/app");
  write_bytes(dir / "root/app/hello.txt", "hello\n");
  REQUIRE(run_command("head -c 48000000 /dev/urandom > " + quote(dir / "root/app/noise.bin")).status == 0);
  RunResult made = run_command("tar -C " + quote(dir / "root") + " -cf - app | gzip -1 > " + quote(dir / "layer.tgz"));
  REQUIRE(made.status == 0);
  return read_bytes(dir / "layer.tgz");
}

void write_in_chunks(BackgroundListing& listing, const std::string& bytes) {
  constexpr std::size_t k_chunk = 100003;  // chunks that end mid-header and mid-member
  for (std::size_t at = 0; at < bytes.size(); at += k_chunk) {
    listing.write(bytes.data() + at, std::min(k_chunk, bytes.size() - at));
  }
}

Digest layer_digest() { return sha256_of("a layer"); }

}  // namespace

TEST_CASE("background listing: a real layer is listed from chunks, bytes after its end passed on",
          "[background_listing]") {
  TempDir dir;
  const std::string layer = real_layer(dir);
  BackgroundListing listing(layer_digest(), ContentSelection({"/app/hello.txt"}));
  write_in_chunks(listing, layer);
  // Padding after the gzip member, as a blob may hold: taken without waiting for a reader.
  write_in_chunks(listing, std::string(std::size_t{32} << 20, '\0'));
  BackgroundListing::Outcome outcome = listing.finish();
  REQUIRE_FALSE(outcome.failure);
  REQUIRE(outcome.listing);
  std::map<std::string, IndexedFile> files(outcome.listing->begin(), outcome.listing->end());
  REQUIRE(files.count("app/hello.txt") == 1);
  CHECK(files.at("app/hello.txt").content == "hello\n");
  REQUIRE(files.count("app/noise.bin") == 1);
  CHECK(files.at("app/noise.bin").size == 48000000);
  CHECK_FALSE(files.at("app/noise.bin").content);
}

TEST_CASE("background listing: a listing that fails early lets the writer finish and hands its error over",
          "[background_listing]") {
  TempDir dir;
  std::string layer = real_layer(dir);
  // A damaged deflate stream near the start: inflating stops there while tens of MB remain to be written.
  for (std::size_t at = 4096; at < 4196; ++at) layer[at] = static_cast<char>(layer[at] ^ 0x5a);
  BackgroundListing listing(layer_digest(), ContentSelection());
  write_in_chunks(listing, layer);
  BackgroundListing::Outcome outcome = listing.finish();
  CHECK_FALSE(outcome.listing);
  REQUIRE(outcome.failure);
  CHECK_THROWS_WITH(std::rethrow_exception(outcome.failure), Catch::Contains("layer " + layer_digest().str()));
}

TEST_CASE("background listing: bytes that stop coming end its thread", "[background_listing]") {
  TempDir dir;
  const std::string layer = real_layer(dir);
  {
    // Half a layer, then the writer gives up (an error on its side): the
    // destructor must not wait for bytes that will never come.
    BackgroundListing listing(layer_digest(), ContentSelection());
    write_in_chunks(listing, layer.substr(0, layer.size() / 2));
  }
  // Half a layer, then the end: a truncated layer is a failure, not a listing.
  BackgroundListing listing(layer_digest(), ContentSelection());
  write_in_chunks(listing, layer.substr(0, layer.size() / 2));
  BackgroundListing::Outcome outcome = listing.finish();
  CHECK_FALSE(outcome.listing);
  REQUIRE(outcome.failure);
  CHECK_THROWS_WITH(std::rethrow_exception(outcome.failure), Catch::Contains("truncated"));
}
