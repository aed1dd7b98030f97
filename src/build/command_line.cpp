#include "build/command_line.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "build/config_file.h"
#include "build/credential_flags.h"
#include "build/flag_spelling.h"
#include "build/settings_report.h"
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
  std::vector<std::string> creds;
  bool password_stdin = false;
  std::vector<std::string> ca_certs;
  std::vector<std::string> platforms;  // each "P[,P...]": joined into options.platform
};

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
                 "Image name, or a whole reference [REGISTRY/]PATH[:TAG] (ghcr.io/owner/app:1.2) "
                 "(default: [project].name of the project's pyproject.toml, else the venv's folder name)")
      ->group(k_image_group);
  app.add_option("-t,--tag", options.tag,
                 "Image tag, or a whole reference as docker build -t takes it (registry/app:1.2) "
                 "(default: [project].version of the project's pyproject.toml, else latest)")->group(k_image_group);
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
               "and print the report (with --json: as JSON); exit 1 when an error stands, 3 when it could not check")
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
                 "REGISTRY=USER:PASSWORD: credentials for that registry only (the base's or the one pushed to); "
                 "repeatable. USER:PASSWORD alone: for the registry pushed to (else the base's). "
                 "Default: VENV2DOCKER_REGISTRY_USER/_PASSWORD, then docker/podman login files and helpers. "
                 "A password on the command line is visible to every user of the machine: in CI, use "
                 "--creds USER --password-stdin")
      ->allow_extra_args(false)->group(k_registry_group);
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
  app.add_option("--entrypoint", runtime.entrypoint,
                 "The image's Entrypoint: the program the container runs (drops the base's Cmd); "
                 "'' resets it (null), as docker does")->group(k_runtime_group);
  app.add_option("--cmd", runtime.cmd,
                 "One word of the image's Cmd: the command, or the entrypoint's arguments; repeat for each word")
      ->allow_extra_args(false)->group(k_runtime_group);
  app.add_option("--args", runtime.args, "One word added to Cmd after the --cmd words; repeat for each word")
      ->allow_extra_args(false)->group(k_runtime_group);
  app.add_option("-e,--env", runtime.env, "Environment variable K=V (V may hold commas); repeat for each")
      ->allow_extra_args(false)->group(k_runtime_group);
  app.add_option("--ports", runtime.ports, "Exposed ports P[/tcp|udp][,...]")->allow_extra_args(false)->group(k_runtime_group);
  app.add_option("-u,--user", runtime.user, "User (name or uid[:gid]) the container runs as")->group(k_runtime_group);
  app.add_option("-w,--workdir", runtime.workdir, "Working folder (default: the project path when there is a project)")->group(k_runtime_group);
  app.add_option("--paths", runtime.paths, "Folders put on PATH after the venv's bin: A,B,...")->allow_extra_args(false)->group(k_runtime_group);
  app.add_option("--pypaths", runtime.pypaths, "Folders put on PYTHONPATH before the project: A,B,...")->allow_extra_args(false)->group(k_runtime_group);
  app.add_flag("--no-project-path", runtime.no_project_path, "Do not put the project path on PATH")->group(k_runtime_group);
  app.add_flag("--no-project-pypath", runtime.no_project_pypath, "Do not put the project path on PYTHONPATH")->group(k_runtime_group);
  app.add_option("--label", runtime.labels, "Image label K=V (V may hold commas); repeat for each")->allow_extra_args(false)->group(k_runtime_group);
  app.add_option("--annotation", annotations, "Manifest annotation K=V (V may hold commas); repeat for each")->allow_extra_args(false)->group(k_runtime_group);
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
  app.add_flag("--json", command.json,
               "Print the result, or the error, as one JSON object on stdout")->group(k_tool_group);
  app.add_option("--iidfile", command.iidfile,
                 "Write the image ID (the config's digest, sha256:...; with several platforms the index's, as buildx) to FILE, as docker build --iidfile does")
      ->type_name("FILE")->group(k_tool_group);
  app.add_option("--metadata-file", command.metadata_file,
                 "Write the build's result to FILE as JSON, as docker buildx --metadata-file does "
                 "(containerimage.digest, containerimage.config.digest, image.name)")
      ->type_name("FILE")->group(k_tool_group);
}

void apply_raw_flags(const RawFlags& raw, BuildOptions& options) {
  if (!raw.venv.empty()) options.venv = raw.venv;
  if (!raw.platforms.empty()) options.platform = join_with(raw.platforms, ",");
  if (!raw.project.empty()) options.project = raw.project;
  if (!raw.build_dir.empty()) options.build_dir = raw.build_dir;
  if (!raw.cache_dir.empty()) options.cache_dir = raw.cache_dir;
  apply_credential_flags(raw.creds, raw.password_stdin, options.registry);
  for (const auto& file : raw.ca_certs) options.registry.ca_certs.emplace_back(file);
  options.epoch = source_date_epoch();
}

}  // namespace

Verbosity CommandLine::verbosity() const {
  if (quiet || json) return Verbosity::quiet;
  return verbose ? Verbosity::verbose : Verbosity::normal;
}

namespace {

void add_sbom_flags(CLI::App& app, BuildOptions& options) {
  CLI::Option* file = app.add_option("--sbom", options.sbom_file,
                                     "Also write the image's SPDX 2.3 JSON SBOM to FILE (it is attached to every pushed "
                                     "image and OCI layout as an OCI referrer either way)")
                          ->type_name("FILE")->group(k_image_group);
  app.add_flag_callback("--no-sbom", [&options] { options.sbom = false; },
                        "Make no SBOM: attach none to pushed images or OCI layouts")
      ->excludes(file)->group(k_image_group);
}


// The app and what its flags are bound to, which must live as long as it.
struct CommandLineApp : CLI::App {
  CommandLine command;
  RawFlags raw;
  bool print_config = false;

  CommandLineApp()
      : CLI::App{"venv2docker: package a Python virtualenv and its project as a container image,\n"
                 "without a Dockerfile and without a Docker daemon."} {
    set_version_flag("--version", std::string("venv2docker ") + VENV2DOCKER_VERSION);
    get_formatter()->column_width(34);
    add_image_flags(*this, command.options, raw);
    add_apt_flags(*this, command.options.apt);
    add_registry_flags(*this, command.options, raw);
    add_runtime_flags(*this, command.options.runtime, command.options.annotations);
    add_tool_flags(*this, command, raw);
    add_sbom_flags(*this, command.options);
    add_flag("--print-config", print_config,
             "Print the settings (flags over pyproject.toml's [tool.venv2docker] over the defaults) and where each "
             "came from, and exit")
        ->group(k_tool_group);
    footer("Settings: [tool.venv2docker] in the project's pyproject.toml, keys named as the long flags.\n"
           "Environment: SOURCE_DATE_EPOCH sets every timestamp in the image (default 2000-01-01);\n"
           "WORKON_HOME, VIRTUAL_ENV and XDG_CACHE_HOME as described above;\n"
           "VENV2DOCKER_REGISTRY_USER/_PASSWORD, DOCKER_CONFIG, REGISTRY_AUTH_FILE for registry credentials.\n"
           "Documentation: docs/usage.md");
  }
};

}  // namespace

std::unique_ptr<CLI::App> command_line_app() { return std::make_unique<CommandLineApp>(); }

ParsedCommandLine parse_command_line(int argc, char** argv) {
  ParsedCommandLine parsed;
  CommandLineApp app;
  std::vector<std::string> arguments = normalised_arguments(app, argc, argv);
  std::reverse(arguments.begin(), arguments.end());  // CLI11 takes them last first
  try {
    app.parse(arguments);
  } catch (const CLI::Success& e) {
    parsed.exit_code = app.exit(e);
    return parsed;
  } catch (const CLI::ParseError& e) {
    throw UsageError(e.what(), "see venv2docker --help");
  }
  const SettingOrigins origins =
      apply_tool_settings(app, read_tool_settings(settings_file(app.raw.venv, app.raw.project)));
  if (app.print_config) {
    std::fputs(settings_report(app, origins).c_str(), stdout);
    parsed.exit_code = 0;
    return parsed;
  }
  parsed.command = app.command;
  apply_raw_flags(app.raw, parsed.command.options);
  return parsed;
}

}  // namespace venv2docker
