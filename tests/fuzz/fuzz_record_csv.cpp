// A wheel's RECORD (CSV): its paths, and the file rewritten with new hashes
// for every other path, as relocation does.
#include "fuzz_target.h"
#include "venv/wheel_record.h"

using namespace venv2docker;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz::refusal_allowed([&] {
    std::string_view record = fuzz::as_text(data, size);
    (void)record_paths(record);
    bool change = false;
    (void)update_record(record, [&](const std::string& path) -> std::optional<std::string> {
      change = !change;
      return change ? std::optional<std::string>("#!/venv/bin/python\n" + path) : std::nullopt;
    });
  });
}
