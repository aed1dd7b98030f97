#include "build/image_interpreter.h"

#include "compat/compat_check.h"
#include "compat/host_python.h"
#include "util/error.h"

namespace venv2docker {

std::optional<std::string> python_version_variable(const Image& base) {
  const auto& env = base.config.value("config", nlohmann::json::object()).value("Env", nlohmann::json::array());
  for (const auto& entry : env) {
    if (!entry.is_string()) continue;
    const std::string& text = entry.get_ref<const std::string&>();
    if (text.starts_with("PYTHON_VERSION=")) return text.substr(15);
  }
  return std::nullopt;
}

bool wants_host_interpreter(const std::optional<std::string>& python_from) {
  if (python_from && *python_from != "host") {
    throw UsageError("--python-from " + *python_from + " is not supported", "use --python-from host");
  }
  return python_from.has_value();
}

namespace {

// Where a python image keeps the interpreter: the path given when the base has
// none (the checks then report it missing).
std::string interpreter_of_python_images(const Venv& venv) { return "/usr/local/bin/python" + venv.python_version; }

}  // namespace

std::string image_interpreter(bool from_host, const Venv& venv, const FileIndex& base_files) {
  if (from_host) return host_interpreter_path(venv);
  return image_interpreter_for(venv, base_files).value_or(interpreter_of_python_images(venv));
}

std::string likely_image_interpreter(bool from_host, const Venv& venv, const Image& base) {
  if (from_host) return host_interpreter_path(venv);
  // A base without layers (scratch) has no files, hence no interpreter: the
  // answer is certain, and guessing otherwise would relocate every build twice.
  if (base.layers.empty()) return interpreter_of_python_images(venv);
  return (python_version_variable(base) ? "/usr/local/bin/python" : "/usr/bin/python") + venv.python_tag();
}

}  // namespace venv2docker
