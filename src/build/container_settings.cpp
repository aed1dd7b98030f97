#include "build/container_settings.h"

#include <algorithm>

#include "util/error.h"
#include "util/text_util.h"

namespace venv2docker {

namespace {

// Lists whose items never hold a comma (ports, folders on PATH) also take
// one flag value as a comma-separated list ("--ports 80,443"). K=V and words
// of a command may hold commas, so those flags take one item each.
std::vector<std::string> split_commas(const std::vector<std::string>& items) {
  std::vector<std::string> parts;
  for (const auto& item : items) {
    for (auto& part : split_nonempty(item, ',')) parts.push_back(std::move(part));
  }
  return parts;
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (const auto& part : parts) {
    if (part.empty()) continue;
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

std::string normalise_port(const std::string& port) {
  std::string number = port.substr(0, port.find('/'));
  std::string protocol = port.find('/') == std::string::npos ? "tcp" : port.substr(port.find('/') + 1);
  bool numeric = !number.empty() && number.size() <= 5 && number.find_first_not_of("0123456789") == std::string::npos;
  if (!numeric || std::stoi(number) < 1 || std::stoi(number) > 65535 || (protocol != "tcp" && protocol != "udp" && protocol != "sctp")) {
    throw UsageError("--ports: \"" + port + "\" is not a port", "write PORT or PORT/tcp, PORT/udp, e.g. --ports 8080,53/udp");
  }
  return number + "/" + protocol;
}

// --entrypoint PROG as docker's ENTRYPOINT ["PROG"]; an empty one resets the
// base's entrypoint (null), as docker run --entrypoint '' and ENTRYPOINT []
// do.
std::optional<std::vector<std::string>> entrypoint(const std::optional<std::string>& program) {
  if (!program) return std::nullopt;
  if (program->empty()) return std::vector<std::string>{};
  return std::vector<std::string>{*program};
}

// docker's CMD: the --cmd words, then the --args words; the arguments of the
// entrypoint when there is one, else the command itself. Either way `docker
// run IMAGE ...` replaces them.
std::optional<std::vector<std::string>> command(const RuntimeOptions& options) {
  if (options.cmd.empty() && options.args.empty()) return std::nullopt;
  if (!options.cmd.empty() && options.cmd.front().empty()) {
    throw UsageError("--cmd: the command's first word is empty; the container could not start (exec \"\")",
                     "name the program, one word per --cmd: --cmd gunicorn --cmd app:app");
  }
  std::vector<std::string> words = options.cmd;
  words.insert(words.end(), options.args.begin(), options.args.end());
  return words;
}

}  // namespace

std::map<std::string, std::string> parse_assignments(const std::vector<std::string>& items, const std::string& flag) {
  std::map<std::string, std::string> out;
  for (const auto& part : items) {
    auto equals = part.find('=');
    if (equals == std::string::npos || equals == 0) {
      throw UsageError(flag + ": \"" + part + "\" is not KEY=VALUE",
                       "write " + flag + " KEY=VALUE, repeating " + flag + " for each one (a VALUE may hold commas)");
    }
    out[part.substr(0, equals)] = part.substr(equals + 1);
  }
  return out;
}

ContainerSettings container_settings(const RuntimeOptions& options, const std::string& venv_path,
                                     const std::optional<std::string>& project_path, const std::string& base_path) {
  ContainerSettings settings;
  std::vector<std::string> path{venv_path + "/bin"};
  for (const auto& extra : split_commas(options.paths)) path.push_back(extra);
  if (project_path && !options.no_project_path) path.push_back(*project_path);
  // A base made for a venv at the same path (one of ours, say) has it on its
  // PATH already: once is enough.
  for (const auto& inherited : split_nonempty(base_path, ':')) {
    if (std::find(path.begin(), path.end(), inherited) == path.end()) path.push_back(inherited);
  }
  settings.env["PATH"] = join(path, ":");
  settings.env["VIRTUAL_ENV"] = venv_path;

  std::vector<std::string> pythonpath = split_commas(options.pypaths);
  if (project_path && !options.no_project_pypath) pythonpath.push_back(*project_path);
  if (!pythonpath.empty()) settings.env["PYTHONPATH"] = join(pythonpath, ":");
  for (const auto& [key, value] : parse_assignments(options.env, "--env")) settings.env[key] = value;

  settings.entrypoint = entrypoint(options.entrypoint);
  settings.cmd = command(options);

  settings.user = options.user;
  if (options.workdir) {
    settings.workdir = options.workdir;
  } else if (project_path) {
    settings.workdir = project_path;
  }
  for (const auto& port : split_commas(options.ports)) settings.exposed_ports.push_back(normalise_port(port));
  settings.volumes = options.volumes;
  settings.labels = parse_assignments(options.labels, "--label");
  if (options.maintainer) settings.labels["org.opencontainers.image.authors"] = *options.maintainer;
  return settings;
}

}  // namespace venv2docker
