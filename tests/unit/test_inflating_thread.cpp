// The inflater on its own thread, read as the archive reader reads it: every
// byte in order across many more blocks than it holds, the bytes before an
// error handed over before the error, and a reader that stops early (its tar
// ended) never waits on the thread.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstring>

#include "external_tools.h"
#include "tar/inflating_thread.h"
#include "temp_dir.h"
#include "test_images.h"
#include "util/error.h"

using namespace venv2docker;
namespace fs = std::filesystem;

namespace {

// Bytes from memory, counting what was read of them.
class MemorySource : public ByteSource {
 public:
  explicit MemorySource(std::string bytes) : m_bytes(std::move(bytes)) {}
  std::size_t read(char* buffer, std::size_t capacity) override {
    const std::size_t count = std::min(capacity, m_bytes.size() - m_offset);
    std::memcpy(buffer, m_bytes.data() + m_offset, count);
    m_offset += count;
    return count;
  }
  std::size_t offset() const { return m_offset; }
  std::size_t size() const { return m_bytes.size(); }

 private:
  std::string m_bytes;
  std::atomic<std::size_t> m_offset = 0;
};

// Text of `size` bytes that deflate compresses well, so a little input fills many blocks.
std::string text_of_size(std::size_t size) {
  std::string text;
  for (std::uint64_t i = 0; text.size() < size; ++i) text += "row " + std::to_string(i * 7919 % 1000003) + "\n";
  text.resize(size);
  return text;
}

std::string gzip(const test::TempDir& tmp, const std::string& bytes) {
  test::require_tool("gzip");
  test::write_bytes(tmp / "plain", bytes);
  REQUIRE(test::run_command("gzip -6 -c " + test::quote(tmp / "plain") + " > " + test::quote(tmp / "plain.gz")).status == 0);
  return test::read_bytes(tmp / "plain.gz");
}

std::string read_all(InflatingThread& inflating) {
  std::string bytes;
  for (std::string_view block = inflating.next(); !block.empty(); block = inflating.next()) bytes += block;
  return bytes;
}

}  // namespace

TEST_CASE("inflating thread: every byte in order, over many more blocks than it holds", "[gzip]") {
  test::TempDir tmp;
  const std::string plain = text_of_size((std::size_t{13} << 20) + 12345);
  MemorySource source(gzip(tmp, plain) + gzip(tmp, "a second member\n"));
  InflatingThread inflating(source, "a test stream");
  CHECK(read_all(inflating) == plain + "a second member\n");
  CHECK(inflating.next().empty());
}

TEST_CASE("inflating thread: the bytes before an error come first, then the error", "[gzip]") {
  test::TempDir tmp;
  const std::string plain = text_of_size(std::size_t{9} << 20);
  const std::string compressed = gzip(tmp, plain);
  MemorySource source(compressed.substr(0, compressed.size() - 100));
  InflatingThread inflating(source, "a test stream");
  std::string got;
  try {
    for (std::string_view block = inflating.next(); !block.empty(); block = inflating.next()) got += block;
    FAIL("a truncated stream read to its end");
  } catch (const Error& error) {
    CHECK_THAT(error.what(), Catch::Contains("a test stream") && Catch::Contains("truncated"));
  }
  CHECK(got.size() > (std::size_t{8} << 20));
  CHECK(plain.compare(0, got.size(), got) == 0);
}

TEST_CASE("inflating thread: a reader that stops early is not kept waiting", "[gzip]") {
  test::TempDir tmp;
  MemorySource source(gzip(tmp, text_of_size(std::size_t{64} << 20)));
  {
    InflatingThread inflating(source, "a test stream");
    CHECK(!inflating.next().empty());
  }
  // The thread stopped with its blocks full: it read far from all of the stream.
  CHECK(source.offset() < source.size());
}
