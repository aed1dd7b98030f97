#include "build/command_line.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "image/platform.h"
#include "tar/source_date_epoch.h"
#include "util/error.h"
#include "util/file_bytes.h"
#include "util/text_util.h"

namespace venv2docker {

namespace {

// Flag values that become BuildOptions only after parsing: an empty text
// means not given, and --creds yields to nothing but the environment.
struct RawFlags {
  std::string venv;
  std::string project;
  std::string build_dir;
  std::string cache_dir;
  std::string creds;
  bool password_stdin = false;
  std::vector<std::string> ca_certs;
  std::vector<std::string> platforms;  // each "P[,P...]": joined into options.platform
};

// Far more than any registry's password or token, far less than a file piped
// in by mistake.
constexpr std::size_t k_max_password_stdin = std::size_t{64} << 10;

const char* const k_image_group = "Image";
const char* const k_apt_group = "Debian packages";
const char* const k_registry_group = "Registry";
const char* const k_runtime_group = "Runtime";
const char* const k_tool_group = "Tool";

void add_image_flags(CLI::App& app, BuildOptions& options, RawFlags& raw) {
  app.add_option("VIRTUALENV", raw.venv,
                 "The venv: a path, or a name under $WORKON_HOME (default ~/.virtualenvs). Default: the active $VIRTUAL_ENV, "
                 "else ./.venv");
  app.add_option("-n,--name", options.name,
                 "Image name, may include a registry and path (default: [project].name of the project's pyproject.toml, "
                 "else the venv's folder name)")->group(k_image_group);
  app.add_option("-t,--tag", options.tag,
                 "Image tag (default: [project].version of the project's pyproject.toml, else latest)")->group(k_image_group);
  app.add_option("-b,--base", options.base,
                 "Base image: a registry reference (python:3.11-slim, host:5000/name:tag, name@sha256:...), "
                 "oci:DIR[:TAG], docker-archive:FILE or scratch (default: python:<X.Y>-slim)")->group(k_image_group);
  app.add_option("-o,--output", options.outputs,
                 "Write the image to oci:DIR[:TAG] (OCI layout), docker-archive:FILE (a tar for docker/podman load) "
                 "or registry:REFERENCE (push); "
                 "repeatable. Default: a docker-archive in the build folder")->allow_extra_args(false)->group(k_image_group);
  app.add_flag("--load", options.load,
               "Load the image into the Docker daemon (DOCKER_HOST, else /var/run/docker.sock; podman's service works too)")
      ->group(k_image_group);
  app.add_option("--venv-path,--lib-path", options.venv_path, "Where the venv goes in the image")->capture_default_str()->group(k_image_group);
  app.add_option("--project", raw.project, "Project folder to add (default: the one named in the venv's .project file)")->group(k_image_group);
  app.add_flag("--no-project", options.no_project, "Add no project layer, even if the venv names one")->group(k_image_group);
  app.add_option("--project-path,--bin-path", options.project_path, "Where the project goes in the image")->capture_default_str()->group(k_image_group);
  app.add_option("--exclude", options.excludes,
                 "Leave out files matching GLOB (.dockerignore syntax, relative to the venv or project); repeatable. "
                 "A project's .dockerignore is always honoured")->allow_extra_args(false)->group(k_image_group);
  app.add_option("--python-from", options.python_from,
                 "\"host\": add the venv's own interpreter (and the libraries it needs) as a layer, "
                 "for an exact match or a --base scratch image")->group(k_image_group);
  app.add_option("--pip", options.pip_requirements,
                 "Install the requirements FILE with the venv's own pip (your pip.conf and PIP_* settings apply) "
                 "and add what it installs as a layer over the venv; already satisfied requirements add nothing")
      ->type_name("FILE")->group(k_image_group);
  app.add_flag("--check", options.check_only,
               "Only check that the venv can run on the base (Python, C library, architecture, shared libraries) "
               "and print the report (with --json: as JSON); exit 1 when an error stands")
      ->group(k_image_group);
  app.add_option("--max-layers", options.max_layers,
                 "Split the venv into at most N layers by installed package (large packages get their own), "
                 "so a bumped dependency changes one layer; 1 keeps one venv layer")
      ->capture_default_str()->check(CLI::Range(1, 100))->group(k_image_group);
  app.add_flag("--force", options.force, "Build even when the venv does not fit the base image (errors become warnings)")->group(k_image_group);
  app.add_option("--platform", raw.platforms,
                 "Build for OS/ARCH[/VARIANT] or ARCH (linux/arm64, arm64...): the image chosen from a multi-platform "
                 "base, and what a single-platform base must be (default: this machine's, " +
                     Platform::host().str() + "). Several (P,P or repeated): one image per platform under an OCI "
                     "image index, for oci: and registry: outputs")->allow_extra_args(false)->group(k_image_group);
  app.add_option("--venv", options.platform_venvs,
                 "PLATFORM=PATH: the venv for that one of --platform's platforms (others use VIRTUALENV); repeatable")
      ->allow_extra_args(false)->group(k_image_group);
}

void add_apt_flags(CLI::App& app, AptOptions& apt) {
  app.add_option("--apt", apt.requests,
                 "Install Debian packages PKG[,PKG...] (or those listed in FILE) from the base image's own apt sources "
                 "into a layer, with their dependencies, as apt-get install --no-install-recommends would; repeatable")
      ->allow_extra_args(false)->group(k_apt_group);
  app.add_option("--apt-source", apt.extra_sources,
                 "Add an apt source, one-line form: \"deb [signed-by=/host/keyring.gpg] URI SUITE COMPONENT...\"; "
                 "repeatable")->allow_extra_args(false)->group(k_apt_group);
  app.add_flag("--apt-replace-sources", apt.replace_sources,
               "Use only the --apt-source sources, not the base image's")->group(k_apt_group);
  app.add_flag("--apt-allow-unauthenticated", apt.allow_unauthenticated,
               "Accept archives that are unsigned or whose signature fails (a warning instead of an error)")
      ->group(k_apt_group);
}

void add_registry_flags(CLI::App& app, BuildOptions& options, RawFlags& raw) {
  app.add_flag("-p,--push", options.push, "Push the image to the registry in --name (as --name:--tag)")->group(k_registry_group);
  app.add_option("--creds", raw.creds,
                 "USER:PASSWORD for the registry pushed to (else the base's registry); "
                 "default: VENV2DOCKER_REGISTRY_USER/_PASSWORD, then docker/podman login files and helpers. "
                 "A password on the command line is visible to every user of the machine: in CI, use "
                 "--creds USER --password-stdin")
      ->group(k_registry_group);
  app.add_flag("--password-stdin", raw.password_stdin,
               "Read the registry password from standard input (as docker login does), for the user of --creds USER "
               "or VENV2DOCKER_REGISTRY_USER")
      ->group(k_registry_group);
  app.add_option("--insecure-registry", options.registry.insecure_registries,
                 "Allow HOST[:PORT] without a verified TLS certificate, or plain HTTP; repeatable "
                 "(loopback registries may always use plain HTTP)")->allow_extra_args(false)->group(k_registry_group);
  app.add_option("--ca-cert", raw.ca_certs,
                 "Trust this CA certificate (PEM) for registries, besides the system's and "
                 "/etc/docker/certs.d/HOST[:PORT]/*.crt; repeatable")->allow_extra_args(false)->group(k_registry_group);
  app.add_option("--cache-from", options.cache_from,
                 "Read the registry cache record at REF (written by --cache-to): layers it names are not compressed, "
                 "base layers it lists not downloaded, when every output is a push to its registry; a missing or "
                 "damaged record is a warning. Repeatable")
      ->allow_extra_args(false)->group(k_registry_group);
  app.add_option("--cache-to", options.cache_to,
                 "After the build, push a cache record to REF (an OCI artifact) for other runners' --cache-from")
      ->group(k_registry_group);
}

void add_runtime_flags(CLI::App& app, RuntimeOptions& runtime, std::vector<std::string>& annotations) {
  app.add_option("--entrypoint", runtime.entrypoint, "Program the container runs")->group(k_runtime_group);
  app.add_option("--args", runtime.args, "Arguments after the entrypoint (or the command, with no entrypoint): A,B,...")->allow_extra_args(false)->group(k_runtime_group);
  app.add_option("--cmd", runtime.cmd, "One word of the container's command; repeat for each word")->allow_extra_args(false)->group(k_runtime_group);
  app.add_option("-e,--env", runtime.env, "Environment variables K=V[,K=V]; repeatable")->allow_extra_args(false)->group(k_runtime_group);
  app.add_option("--ports", runtime.ports, "Exposed ports P[/tcp|udp][,...]")->allow_extra_args(false)->group(k_runtime_group);
  app.add_option("-u,--user", runtime.user, "User (name or uid[:gid]) the container runs as")->group(k_runtime_group);
  app.add_option("-w,--workdir", runtime.workdir, "Working folder (default: the project path when there is a project)")->group(k_runtime_group);
  app.add_option("--paths", runtime.paths, "Folders put on PATH after the venv's bin: A,B,...")->allow_extra_args(false)->group(k_runtime_group);
  app.add_option("--pypaths", runtime.pypaths, "Folders put on PYTHONPATH before the project: A,B,...")->allow_extra_args(false)->group(k_runtime_group);
  app.add_flag("--no-project-path", runtime.no_project_path, "Do not put the project path on PATH")->group(k_runtime_group);
  app.add_flag("--no-project-pypath", runtime.no_project_pypath, "Do not put the project path on PYTHONPATH")->group(k_runtime_group);
  app.add_option("--label", runtime.labels, "Image label K=V[,K=V]; repeatable")->allow_extra_args(false)->group(k_runtime_group);
  app.add_option("--annotation", annotations, "Manifest annotation K=V[,K=V]; repeatable")->allow_extra_args(false)->group(k_runtime_group);
  app.add_option("--volume", runtime.volumes, "Declare PATH a volume; repeatable")->allow_extra_args(false)->group(k_runtime_group);
  app.add_option("--maintainer", runtime.maintainer, "Author, as the org.opencontainers.image.authors label")->group(k_runtime_group);
}

void add_tool_flags(CLI::App& app, CommandLine& command, RawFlags& raw) {
  BuildOptions& options = command.options;
  app.add_option("--build-dir,--build_dir", raw.build_dir, "Build folder for default outputs (default: .venv2docker in the project, else here)")->group(k_tool_group);
  app.add_flag("-c,--clean", command.clean, "Remove the build folder (only one venv2docker made: it holds a marker) and exit")->group(k_tool_group);
  app.add_option("--cache-dir", raw.cache_dir, "Blob cache (default: $XDG_CACHE_HOME/venv2docker or ~/.cache/venv2docker)")->group(k_tool_group);
  app.add_option("--threads", options.threads, "Compression threads (default: one per core); never changes the output")->group(k_tool_group);
  app.add_option("--compression-level", options.compression_level, "gzip level 1-12 for new layers")
      ->capture_default_str()->check(CLI::Range(1, 12))->group(k_tool_group);
  app.add_flag("-q,--quiet", command.quiet, "Print only errors and warnings")->group(k_tool_group);
  app.add_flag("-v,--verbose", command.verbose, "Print every step and digest")->group(k_tool_group);
  app.add_flag("--json", command.json, "Print the result as one JSON object on stdout")->group(k_tool_group);
}

// The user of --creds USER, else of VENV2DOCKER_REGISTRY_USER, with the
// password read from standard input; one newline at its end is the shell's.
std::string creds_with_password_from_stdin(const std::string& creds) {
  std::string user = creds;
  if (user.empty()) {
    const char* from_environment = std::getenv("VENV2DOCKER_REGISTRY_USER");
    user = from_environment ? from_environment : "";
  }
  if (user.empty()) {
    throw UsageError("--password-stdin needs a user name", "pass --creds USER (without the password), or set "
                                                           "VENV2DOCKER_REGISTRY_USER");
  }
  if (user.find(':') != std::string::npos) {
    throw UsageError("--password-stdin and a password in --creds USER:PASSWORD both give the password",
                     "pass --creds USER alone, with the password on standard input");
  }
  std::string password = read_whole_file("/dev/stdin", k_max_password_stdin, "the password on standard input",
                                         "pipe it in: printf %s \"$PASSWORD\" | venv2docker --creds USER "
                                         "--password-stdin ...");
  if (password.ends_with('\n')) password.pop_back();
  if (password.ends_with('\r')) password.pop_back();
  if (password.empty()) {
    throw UsageError("--password-stdin read an empty password from standard input",
                     "pipe the password in: printf %s \"$PASSWORD\" | venv2docker --creds USER --password-stdin ...");
  }
  return user + ":" + password;
}

// --creds, else VENV2DOCKER_REGISTRY_USER and _PASSWORD.
std::optional<std::string> registry_creds(const std::string& creds, bool password_stdin) {
  if (password_stdin) return creds_with_password_from_stdin(creds);
  if (!creds.empty()) return creds;
  const char* user = std::getenv("VENV2DOCKER_REGISTRY_USER");
  if (!user || !*user) return std::nullopt;
  const char* password = std::getenv("VENV2DOCKER_REGISTRY_PASSWORD");
  return std::string(user) + ":" + (password ? password : "");
}

void apply_raw_flags(const RawFlags& raw, BuildOptions& options) {
  if (!raw.venv.empty()) options.venv = raw.venv;
  if (!raw.platforms.empty()) options.platform = join_with(raw.platforms, ",");
  if (!raw.project.empty()) options.project = raw.project;
  if (!raw.build_dir.empty()) options.build_dir = raw.build_dir;
  if (!raw.cache_dir.empty()) options.cache_dir = raw.cache_dir;
  options.registry.creds = registry_creds(raw.creds, raw.password_stdin);
  for (const auto& file : raw.ca_certs) options.registry.ca_certs.emplace_back(file);
  options.epoch = source_date_epoch();
}

}  // namespace

Verbosity CommandLine::verbosity() const {
  if (quiet || json) return Verbosity::quiet;
  return verbose ? Verbosity::verbose : Verbosity::normal;
}

ParsedCommandLine parse_command_line(int argc, char** argv) {
  ParsedCommandLine parsed;
  RawFlags raw;
  CLI::App app{"venv2docker: package a Python virtualenv and its project as a container image,\n"
               "without a Dockerfile and without a Docker daemon."};
  app.set_version_flag("--version", std::string("venv2docker ") + VENV2DOCKER_VERSION);
  app.get_formatter()->column_width(34);
  add_image_flags(app, parsed.command.options, raw);
  add_apt_flags(app, parsed.command.options.apt);
  add_registry_flags(app, parsed.command.options, raw);
  add_runtime_flags(app, parsed.command.options.runtime, parsed.command.options.annotations);
  add_tool_flags(app, parsed.command, raw);
  app.footer("Environment: SOURCE_DATE_EPOCH sets every timestamp in the image (default 2000-01-01);\n"
             "WORKON_HOME, VIRTUAL_ENV and XDG_CACHE_HOME as described above;\n"
             "VENV2DOCKER_REGISTRY_USER/_PASSWORD, DOCKER_CONFIG, REGISTRY_AUTH_FILE for registry credentials.\n"
             "Documentation: docs/usage.md");
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    parsed.exit_code = app.exit(e);
    return parsed;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "venv2docker: error: %s\nvenv2docker: hint: see venv2docker --help\n", e.what());
    parsed.exit_code = 2;
    return parsed;
  }
  apply_raw_flags(raw, parsed.command.options);
  return parsed;
}

}  // namespace venv2docker
