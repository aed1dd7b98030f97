// The channel between a download and the layer listing that reads it: every
// byte in order across threads; a reader that stops never blocks the writer;
// a writer that abandons makes the reader fail instead of wait.
#include <catch2/catch.hpp>

#include <string>
#include <thread>

#include "util/byte_channel.h"
#include "util/error.h"

using namespace venv2docker;

namespace {

std::string read_all(ByteChannel& channel, std::size_t chunk) {
  std::string got;
  std::string buffer(chunk, '\0');
  while (std::size_t count = channel.read(buffer.data(), buffer.size())) got.append(buffer, 0, count);
  return got;
}

}  // namespace

TEST_CASE("byte channel: every byte arrives in order, past its bound, across threads", "[byte_channel]") {
  ByteChannel channel;
  std::string sent;
  for (int i = 0; sent.size() < (std::size_t{24} << 20); ++i) sent += std::to_string(i) + ",";
  std::thread writer([&] {
    for (std::size_t at = 0; at < sent.size(); at += 100003) channel.write(sent.data() + at, std::min<std::size_t>(100003, sent.size() - at));
    channel.close();
  });
  const std::string got = read_all(channel, 65536);
  writer.join();
  CHECK(got == sent);
}

TEST_CASE("byte channel: a reader that stops lets the writer go on; an abandoned one throws", "[byte_channel]") {
  {
    ByteChannel channel;
    char first[4];
    std::thread reader([&] {
      CHECK(channel.read(first, sizeof first) > 0);
      channel.stop_reading();
    });
    // Far more than the channel holds: these writes would wait for ever if they waited for the reader.
    const std::string block(std::size_t{1} << 20, 'x');
    for (int i = 0; i < 64; ++i) channel.write(block.data(), block.size());
    channel.close();
    reader.join();
  }
  {
    ByteChannel channel;
    channel.write("abc", 3);
    channel.abandon("the download of layer X stopped");
    char buffer[8];
    CHECK_THROWS_WITH(channel.read(buffer, sizeof buffer), Catch::Contains("layer X stopped"));
  }
}
