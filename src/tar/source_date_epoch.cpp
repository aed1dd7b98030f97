#include "tar/source_date_epoch.h"

#include <cstdlib>
#include <string>

#include "util/error.h"

namespace venv2docker {

std::int64_t source_date_epoch() {
  const char* text = std::getenv("SOURCE_DATE_EPOCH");
  if (!text || !*text) return k_default_epoch;
  char* end = nullptr;
  long long value = std::strtoll(text, &end, 10);
  if (*end != '\0' || value < 0) {
    throw UsageError(std::string("SOURCE_DATE_EPOCH=\"") + text + "\" is not a number of seconds",
                     "unset it, or set it to e.g. $(git log -1 --format=%ct)");
  }
  return value;
}

}  // namespace venv2docker
