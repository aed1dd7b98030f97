// Something that sees a stream's bytes as they pass on their way elsewhere (a
// download being stored), and is told when they were verified: the base's
// layers are listed while they download instead of read back afterwards.
// Header only.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

namespace venv2docker {

class ByteTap {
 public:
  /// Destroyed without verified(): the bytes were not all the stream's, or
  /// not the right ones; the tap keeps nothing of them.
  virtual ~ByteTap() = default;
  virtual void write(const char* data, std::size_t size) = 0;
  /// Every byte was passed, and they are what they should be (digest and size checked).
  virtual void verified() = 0;
};

}  // namespace venv2docker
