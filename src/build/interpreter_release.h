// Which Python release ("3.11.2") the image runs the venv with, so that the
// venv's pyvenv.cfg says the release the image has, not the host's: the venv
// was made by a 3.11.7 on the host and runs on a base's 3.11.2.
//
// python:* images say it in PYTHON_VERSION, known before their layers are
// read. Debian's python3.X says it in dpkg's status, known only once the
// base's files are read; the release found then is remembered per base, so a
// rebuild knows it from the start and relocates the venv once.
#pragma once

#include <string>

#include "image/image.h"
#include "layer/file_index.h"
#include "store/blob_store.h"
#include "venv/venv.h"

namespace venv2docker {

/// The release before the base's files are read: PYTHON_VERSION, else the one
/// remembered for this base by an earlier build with `store`. Empty when
/// pyvenv.cfg needs no change: the interpreter is the host's (`from_host`),
/// pyvenv.cfg names that release already, or it is not known yet.
std::string likely_interpreter_release(bool from_host, const Venv& venv, const Image& base, const BlobStore& store);

/// The release once the base's files are read: PYTHON_VERSION, else the
/// version of Debian's python3.X-minimal in the base's dpkg status when the
/// interpreter is Debian's (/usr/bin). Empty when unknown, when it is not a
/// release of the venv's Python (the checks report that mismatch), when
/// pyvenv.cfg names it already, or with `from_host`. Remembers the answer for
/// likely_interpreter_release.
std::string interpreter_release(bool from_host, const Venv& venv, const Image& base, const FileIndex& base_files,
                                const std::string& interpreter, const BlobStore& store);

}  // namespace venv2docker
