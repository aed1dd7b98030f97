#include "archive_data.h"

#include <archive.h>

#include "venv2docker/error.h"

namespace venv2docker {

void for_each_data_block(archive* reader, const std::string& what,
                         const std::function<void(const char*, std::size_t)>& consume) {
  char buffer[1 << 16];
  for (;;) {
    const la_ssize_t got = archive_read_data(reader, buffer, sizeof buffer);
    if (got < 0) throw Error("cannot read " + what + ": " + archive_error_string(reader));
    if (got == 0) return;
    consume(buffer, static_cast<std::size_t>(got));
  }
}

std::string read_entry_data(archive* reader, std::size_t cap, const std::string& what) {
  std::string bytes;
  for_each_data_block(reader, what, [&](const char* data, std::size_t size) {
    if (bytes.size() + size > cap) throw Error(what + " is larger than " + std::to_string(cap) + " bytes");
    bytes.append(data, size);
  });
  return bytes;
}

}  // namespace venv2docker
