// The venv2docker command: parses flags into BuildOptions, runs the build and
// reports. Every failure ends here as "venv2docker: error: ..." and a non-zero
// exit (2 for usage errors).
#include <CLI/CLI.hpp>

#include <malloc.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "build/build.h"
#include "image/platform.h"
#include "tar/name_charset.h"
#include "tar/source_date_epoch.h"
#include "util/error.h"

using namespace venv2docker;
namespace fs = std::filesystem;

namespace {

// JSON text holds only UTF-8: a name that is not (names are bytes) is shown
// with U+FFFD in place of each byte JSON cannot carry.
std::string json_text(const nlohmann::json& value) {
  return value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

// --apt's packages, in install order: what the layer holds (and, with
// --check, what it would hold).
nlohmann::json apt_json(const BuildResult& result) {
  nlohmann::json apt = nlohmann::json::array();
  for (const auto& package : result.apt_installed) {
    auto space = package.find(' ');
    apt.push_back({{"package", package.substr(0, space)}, {"version", package.substr(space + 1)}});
  }
  return apt;
}

nlohmann::json result_json(const BuildResult& result, const Reporter& reporter) {
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& layer : result.image.layers) {
    layers.push_back({{"digest", layer.blob.digest.str()},
                      {"diff_id", layer.diff_id.str()},
                      {"size", layer.blob.size},
                      {"media_type", layer.blob.media_type}});
  }
  nlohmann::json outputs = nlohmann::json::array();
  for (const auto& output : result.outputs) {
    nlohmann::json entry = {{"type", output.type},
                            {"path", output.type == "registry" ? output.path.string() : fs::absolute(output.path).string()},
                            {"tag", output.tag}};
    if (!output.digest.empty()) entry["digest"] = output.digest;  // registry: the manifest digest as pushed
    outputs.push_back(entry);
  }
  return {{"name", result.name.familiar().substr(0, result.name.familiar().rfind(':'))},
          {"full_name", result.name.name()},
          {"tag", result.name.tag_or_latest()},
          {"manifest_digest", result.image.manifest_digest().str()},
          {"manifest_media_type", std::string(manifest_media_type(result.image.family))},
          {"config_digest", result.image.config_digest().str()},
          {"layers", layers},
          {"outputs", outputs},
          {"loaded", result.loaded ? nlohmann::json(*result.loaded) : nlohmann::json(nullptr)},
          {"apt_packages", apt_json(result)},
          {"warnings", reporter.warnings()},
          {"check", result.report.json()}};
}

void print_error(const Error& error) {
  std::fprintf(stderr, "venv2docker: error: %s\n", error.what());
  if (!error.hint().empty()) std::fprintf(stderr, "venv2docker: hint: %s\n", error.hint().c_str());
}

}  // namespace

int main(int argc, char** argv) {
  // A helper program or daemon that closes its end early must give an error
  // where we write to it, not kill the whole run.
  std::signal(SIGPIPE, SIG_IGN);
  // Layer writers allocate megabyte buffers (read blocks, gzip chunks, libdeflate
  // state) per layer. Above glibc's mmap threshold each would be a fresh mapping,
  // page-faulted in and unmapped again for every layer; kept in the heap they are
  // reused. The heap's peak stays what the writers need at once.
  ::mallopt(M_MMAP_THRESHOLD, 64 << 20);
  // LC_CTYPE only, and a UTF-8 one whatever LANG says: the process's default
  // for anything that reads it. Names in layers never depend on it (libarchive
  // runs under its own per-thread choice, see name_charset.h).
  set_process_name_charset();
  ::mallopt(M_TRIM_THRESHOLD, 256 << 20);
  BuildOptions options;
  CLI::App app{"venv2docker: package a Python virtualenv and its project as a container image,\n"
               "without a Dockerfile and without a Docker daemon."};
  app.set_version_flag("--version", std::string("venv2docker ") + VENV2DOCKER_VERSION);
  app.get_formatter()->column_width(34);

  std::string venv_arg;
  app.add_option("VIRTUALENV", venv_arg,
                 "The venv: a path, or a name under $WORKON_HOME (default ~/.virtualenvs). Default: the active $VIRTUAL_ENV");

  auto* image_group = "Image";
  app.add_option("-n,--name", options.name, "Image name, may include a registry and path (default: the venv's folder name)")->group(image_group);
  app.add_option("-t,--tag", options.tag, "Image tag")->capture_default_str()->group(image_group);
  app.add_option("-b,--base", options.base,
                 "Base image: a registry reference (python:3.11-slim, host:5000/name:tag, name@sha256:...), "
                 "oci:DIR[:TAG], docker-archive:FILE or scratch (default: python:<X.Y>-slim)")->group(image_group);
  app.add_option("-o,--output", options.outputs,
                 "Write the image to oci:DIR[:TAG] (OCI layout), docker-archive:FILE (a tar for docker/podman load) "
                 "or registry:REFERENCE (push); "
                 "repeatable. Default: a docker-archive in the build folder")->allow_extra_args(false)->group(image_group);
  app.add_flag("--load", options.load,
               "Load the image into the Docker daemon (DOCKER_HOST, else /var/run/docker.sock; podman's service works too)")
      ->group(image_group);
  app.add_option("--venv-path,--lib-path", options.venv_path, "Where the venv goes in the image")->capture_default_str()->group(image_group);
  std::string project_arg;
  app.add_option("--project", project_arg, "Project folder to add (default: the one named in the venv's .project file)")->group(image_group);
  app.add_flag("--no-project", options.no_project, "Add no project layer, even if the venv names one")->group(image_group);
  app.add_option("--project-path,--bin-path", options.project_path, "Where the project goes in the image")->capture_default_str()->group(image_group);
  app.add_option("--exclude", options.excludes,
                 "Leave out files matching GLOB (.dockerignore syntax, relative to the venv or project); repeatable. "
                 "A project's .dockerignore is always honoured")->allow_extra_args(false)->group(image_group);
  app.add_option("--python-from", options.python_from,
                 "\"host\": add the venv's own interpreter (and the libraries it needs) as a layer, "
                 "for an exact match or a --base scratch image")->group(image_group);
  app.add_option("--pip", options.pip_requirements,
                 "Install the requirements FILE with the venv's own pip (your pip.conf and PIP_* settings apply) "
                 "and add what it installs as a layer over the venv; already satisfied requirements add nothing")
      ->type_name("FILE")->group(image_group);
  app.add_flag("--check", options.check_only,
               "Only check that the venv can run on the base (Python, C library, architecture, shared libraries) "
               "and print the report (with --json: as JSON); exit 1 when an error stands")
      ->group(image_group);
  app.add_option("--max-layers", options.max_layers,
                 "Split the venv into at most N layers by installed package (large packages get their own), "
                 "so a bumped dependency changes one layer; 1 keeps one venv layer")
      ->capture_default_str()->check(CLI::Range(1, 100))->group(image_group);
  app.add_flag("--force", options.force, "Build even when the venv does not fit the base image (errors become warnings)")->group(image_group);

  auto* apt_group = "Debian packages";
  app.add_option("--apt", options.apt.requests,
                 "Install Debian packages PKG[,PKG...] (or those listed in FILE) from the base image's own apt sources "
                 "into a layer, with their dependencies, as apt-get install --no-install-recommends would; repeatable")
      ->allow_extra_args(false)->group(apt_group);
  app.add_option("--apt-source", options.apt.extra_sources,
                 "Add an apt source, one-line form: \"deb [signed-by=/host/keyring.gpg] URI SUITE COMPONENT...\"; "
                 "repeatable")->allow_extra_args(false)->group(apt_group);
  app.add_flag("--apt-replace-sources", options.apt.replace_sources,
               "Use only the --apt-source sources, not the base image's")->group(apt_group);
  app.add_flag("--apt-allow-unauthenticated", options.apt.allow_unauthenticated,
               "Accept archives that are unsigned or whose signature fails (a warning instead of an error)")
      ->group(apt_group);

  auto* registry_group = "Registry";
  app.add_flag("-p,--push", options.push, "Push the image to the registry in --name (as --name:--tag)")->group(registry_group);
  std::string creds_arg;
  app.add_option("--creds", creds_arg,
                 "USER:PASSWORD for the registry pushed to (else the base's registry); "
                 "default: VENV2DOCKER_REGISTRY_USER/_PASSWORD, then docker/podman login files and helpers")
      ->group(registry_group);
  app.add_option("--insecure-registry", options.registry.insecure_registries,
                 "Allow HOST[:PORT] without a verified TLS certificate, or plain HTTP; repeatable "
                 "(loopback registries may always use plain HTTP)")->allow_extra_args(false)->group(registry_group);
  std::vector<std::string> ca_cert_args;
  app.add_option("--ca-cert", ca_cert_args,
                 "Trust this CA certificate (PEM) for registries, besides the system's and "
                 "/etc/docker/certs.d/HOST[:PORT]/*.crt; repeatable")->allow_extra_args(false)->group(registry_group);
  app.add_option("--platform", options.platform,
                 "Build for OS/ARCH[/VARIANT] or ARCH (linux/arm64, arm64...): the image chosen from a multi-platform "
                 "base, and what a single-platform base must be (default: this machine's, " +
                     Platform::host().str() + ")")->group(image_group);

  auto* runtime_group = "Runtime";
  app.add_option("--entrypoint", options.entrypoint, "Program the container runs")->group(runtime_group);
  app.add_option("--args", options.args, "Arguments after the entrypoint (or the command, with no entrypoint): A,B,...")->allow_extra_args(false)->group(runtime_group);
  app.add_option("--cmd", options.cmd, "One word of the container's command; repeat for each word")->allow_extra_args(false)->group(runtime_group);
  app.add_option("-e,--env", options.env, "Environment variables K=V[,K=V]; repeatable")->allow_extra_args(false)->group(runtime_group);
  app.add_option("--ports", options.ports, "Exposed ports P[/tcp|udp][,...]")->allow_extra_args(false)->group(runtime_group);
  app.add_option("-u,--user", options.user, "User (name or uid[:gid]) the container runs as")->group(runtime_group);
  app.add_option("-w,--workdir", options.workdir, "Working folder (default: the project path when there is a project)")->group(runtime_group);
  app.add_option("--paths", options.paths, "Folders put on PATH after the venv's bin: A,B,...")->allow_extra_args(false)->group(runtime_group);
  app.add_option("--pypaths", options.pypaths, "Folders put on PYTHONPATH before the project: A,B,...")->allow_extra_args(false)->group(runtime_group);
  app.add_flag("--no-project-path", options.no_project_path, "Do not put the project path on PATH")->group(runtime_group);
  app.add_flag("--no-project-pypath", options.no_project_pypath, "Do not put the project path on PYTHONPATH")->group(runtime_group);
  app.add_option("--label", options.labels, "Image label K=V[,K=V]; repeatable")->allow_extra_args(false)->group(runtime_group);
  app.add_option("--annotation", options.annotations, "Manifest annotation K=V[,K=V]; repeatable")->allow_extra_args(false)->group(runtime_group);
  app.add_option("--volume", options.volumes, "Declare PATH a volume; repeatable")->allow_extra_args(false)->group(runtime_group);
  app.add_option("--maintainer", options.maintainer, "Author, as the org.opencontainers.image.authors label")->group(runtime_group);

  auto* tool_group = "Tool";
  std::string build_dir_arg, cache_dir_arg;
  app.add_option("--build-dir,--build_dir", build_dir_arg, "Build folder for default outputs (default: .venv2docker in the project, else here)")->group(tool_group);
  bool clean = false;
  app.add_flag("-c,--clean", clean, "Remove the build folder and exit")->group(tool_group);
  app.add_option("--cache-dir", cache_dir_arg, "Blob cache (default: $XDG_CACHE_HOME/venv2docker or ~/.cache/venv2docker)")->group(tool_group);
  app.add_option("--threads", options.threads, "Compression threads (default: one per core); never changes the output")->group(tool_group);
  app.add_option("--compression-level", options.compression_level, "gzip level 1-12 for new layers")
      ->capture_default_str()->check(CLI::Range(1, 12))->group(tool_group);
  bool quiet = false, verbose = false, json_output = false;
  app.add_flag("-q,--quiet", quiet, "Print only errors and warnings")->group(tool_group);
  app.add_flag("-v,--verbose", verbose, "Print every step and digest")->group(tool_group);
  app.add_flag("--json", json_output, "Print the result as one JSON object on stdout")->group(tool_group);
  app.footer("Environment: SOURCE_DATE_EPOCH sets every timestamp in the image (default 2000-01-01);\n"
             "WORKON_HOME, VIRTUAL_ENV and XDG_CACHE_HOME as described above;\n"
             "VENV2DOCKER_REGISTRY_USER/_PASSWORD, DOCKER_CONFIG, REGISTRY_AUTH_FILE for registry credentials.\n"
             "Documentation: docs/usage.md");

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "venv2docker: error: %s\nvenv2docker: hint: see venv2docker --help\n", e.what());
    return 2;
  }

  try {
    if (!venv_arg.empty()) options.venv = venv_arg;
    if (!project_arg.empty()) options.project = project_arg;
    if (!build_dir_arg.empty()) options.build_dir = build_dir_arg;
    if (!cache_dir_arg.empty()) options.cache_dir = cache_dir_arg;
    if (!creds_arg.empty()) {
      options.registry.creds = creds_arg;
    } else if (const char* user = std::getenv("VENV2DOCKER_REGISTRY_USER"); user && *user) {
      const char* password = std::getenv("VENV2DOCKER_REGISTRY_PASSWORD");
      options.registry.creds = std::string(user) + ":" + (password ? password : "");
    }
    for (const auto& file : ca_cert_args) options.registry.ca_certs.emplace_back(file);
    options.epoch = source_date_epoch();

    if (clean) {
      fs::path build_dir = resolve_build_dir(options);
      std::error_code ec;
      fs::remove_all(build_dir, ec);
      if (ec) throw Error("cannot remove " + build_dir.string() + ": " + ec.message());
      if (!quiet) std::fprintf(stderr, "Removed %s\n", build_dir.c_str());
      return 0;
    }

    Reporter reporter(quiet || json_output ? Verbosity::quiet : verbose ? Verbosity::verbose : Verbosity::normal);
    BuildResult result = build(options, reporter);
    if (options.check_only) {
      if (json_output) {
        nlohmann::json report = result.report.json();
        report["apt_packages"] = apt_json(result);
        std::cout << json_text(report) << "\n";
      } else {
        std::cout << result.report.text();
      }
      return result.report.has_errors() ? 1 : 0;
    }
    if (json_output) {
      std::cout << json_text(result_json(result, reporter)) << "\n";
    } else if (!quiet) {
      std::fprintf(stderr, "Built %s %s\n", result.name.familiar().c_str(), result.image.manifest_digest().str().c_str());
      if (result.loaded) std::fprintf(stderr, "  %s\n", result.loaded->c_str());
      for (const auto& output : result.outputs) {
        if (output.type == "registry") {
          std::fprintf(stderr, "  pushed: %s@%s\n", output.path.c_str(), output.digest.c_str());
        } else if (output.type == "docker-archive") {
          std::fprintf(stderr, "  load it with: docker load -i %s\n", output.path.c_str());
        } else {
          std::fprintf(stderr, "  OCI layout: %s (tag %s)\n", output.path.c_str(), output.tag.c_str());
        }
      }
    }
    return 0;
  } catch (const UsageError& e) {
    print_error(e);
    return 2;
  } catch (const Error& e) {
    print_error(e);
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "venv2docker: error: %s\n", e.what());
    return 1;
  }
}
