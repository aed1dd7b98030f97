// Which interpreter the image runs the venv with: the venv's own, copied
// from the host (--python-from host), else a matching one in the base.
#pragma once

#include <optional>
#include <string>

#include "image/image.h"
#include "layer/file_index.h"
#include "venv/venv.h"

namespace venv2docker {

/// The value of PYTHON_VERSION in the base's config (the python:* images set
/// it), if it is set.
std::optional<std::string> python_version_variable(const Image& base);

/// Whether --python-from asks for the host's interpreter. Throws UsageError
/// for a value other than "host".
bool wants_host_interpreter(const std::optional<std::string>& python_from);

/// The interpreter's path in the image: the venv's own with `from_host`, else
/// the base's python3.X for the venv's version, else where a python image
/// keeps it (/usr/local/bin/python3.X; the checks report it missing).
std::string image_interpreter(bool from_host, const Venv& venv, const FileIndex& base_files);

/// What image_interpreter will most likely say, before the base's files are
/// read: the venv's own with `from_host` (certain), else python3.X where
/// images keep it: /usr/local/bin in those that set PYTHON_VERSION (the
/// python:* images), /usr/bin in the others (Debian's python3). A guess: the
/// build checks it against image_interpreter once the files are read. Certain
/// for a base without layers (scratch).
std::string likely_image_interpreter(bool from_host, const Venv& venv, const Image& base);

}  // namespace venv2docker
