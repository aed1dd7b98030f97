#include "fuzz_target.h"

#include <unistd.h>

#include <cstdlib>
#include <system_error>

namespace venv2docker::fuzz {

namespace {

struct ScratchFolder {
  std::filesystem::path path;
  ScratchFolder() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/v2d-fuzz-XXXXXX";
    if (!mkdtemp(pattern.data())) std::abort();  // nothing to fuzz with; not a finding of the target
    path = pattern;
  }
  ~ScratchFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

}  // namespace

const std::filesystem::path& scratch_folder() {
  static ScratchFolder folder;
  return folder.path;
}

}  // namespace venv2docker::fuzz
