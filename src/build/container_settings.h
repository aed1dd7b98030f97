// Turns the runtime flags (--env, --ports, --entrypoint, --paths...) into the
// container settings of the image, with the venv first on PATH.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "image/image_builder.h"

namespace venv2docker {

/// What the container runs, and how: the runtime flags as given.
struct RuntimeOptions {
  std::optional<std::string> entrypoint;
  std::vector<std::string> args;
  std::vector<std::string> cmd;
  std::vector<std::string> env;              // "K=V"
  std::vector<std::string> ports;
  std::optional<std::string> user;
  std::optional<std::string> workdir;
  std::vector<std::string> paths;
  std::vector<std::string> pypaths;
  bool no_project_path = false;
  bool no_project_pypath = false;
  std::vector<std::string> labels;           // "K=V"
  std::vector<std::string> volumes;
  std::optional<std::string> maintainer;
};

/// `venv_path` is where the venv is in the image; `project_path` where the
/// project is, if the image has one; `base_path` the base image's PATH (or
/// the usual default). --entrypoint and --cmd/--args become docker's
/// Entrypoint and Cmd. Throws UsageError for malformed K=V or port values and
/// an empty first --cmd word, naming the flag.
ContainerSettings container_settings(const RuntimeOptions& options, const std::string& venv_path,
                                     const std::optional<std::string>& project_path, const std::string& base_path);

/// "K=V" items as a map, for --env, --label, --annotation: one item per flag
/// value, so a value may hold commas. Throws UsageError naming `flag` for an
/// item with no '=' or no key.
std::map<std::string, std::string> parse_assignments(const std::vector<std::string>& items, const std::string& flag);

}  // namespace venv2docker
