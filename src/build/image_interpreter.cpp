#include "build/image_interpreter.h"

#include "compat/compat_check.h"
#include "compat/host_python.h"
#include "util/error.h"

namespace venv2docker {

bool wants_host_interpreter(const std::optional<std::string>& python_from) {
  if (python_from && *python_from != "host") {
    throw UsageError("--python-from " + *python_from + " is not supported", "use --python-from host");
  }
  return python_from.has_value();
}

std::string image_interpreter(bool from_host, const Venv& venv, const FileIndex& base_files) {
  if (from_host) return host_interpreter_path(venv);
  return image_interpreter_for(venv, base_files).value_or("/usr/local/bin/python" + venv.python_version);
}

}  // namespace venv2docker
