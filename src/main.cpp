// The venv2docker command: parses flags into BuildOptions (build/command_line.h),
// runs the build and reports. Every failure ends here as "venv2docker: error:
// ..." and a non-zero exit: 1 when the checks found problems, 2 for usage
// errors, 3 when it could not check or build.

#include <csignal>
#include <cstdio>
#include <iostream>

#include "build/build.h"
#include "build/build_folder_marker.h"
#include "build/check_verdict.h"
#include "build/command_line.h"
#include "build/result_references.h"
#include "tar/name_charset.h"
#include "util/cancellation.h"
#include "util/error.h"
#include "util/terminal_text.h"

using namespace venv2docker;
namespace fs = std::filesystem;

namespace {

// The documented exit statuses (docs/usage.md#exit-status).
constexpr int k_exit_check_failed = 1;
constexpr int k_exit_usage = 2;
constexpr int k_exit_failed = 3;

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
          {"check", result.report.json()},
          {"index_digest", result.index ? nlohmann::json(result.index->digest().str()) : nlohmann::json(nullptr)}};
}

void prepare_process() {
  // A helper program or daemon that closes its end early must give an error
  // where we write to it, not kill the whole run.
  std::signal(SIGPIPE, SIG_IGN);
  // LC_CTYPE only, and a UTF-8 one whatever LANG says: the process's default
  // for anything that reads it. Names in layers never depend on it (libarchive
  // runs under its own per-thread choice, see name_charset.h).
  set_process_name_charset();
  // SIGINT and SIGTERM unwind like an error, so temporaries are removed.
  install_cancellation_handlers();
}

// --clean: only a build folder venv2docker made.
int remove_build_dir(const CommandLine& command) {
  fs::path build_dir = resolve_build_dir(command.options);
  const bool removed = clean_build_folder(build_dir);
  if (!command.quiet) std::fprintf(stderr, removed ? "Removed %s\n" : "Nothing to remove: %s does not exist\n", terminal_safe(build_dir.string()).c_str());
  return 0;
}

// --check: the report, and whether an error stands.
int print_check(const BuildResult& result, bool json) {
  if (json) {
    nlohmann::json report = result.report.json();
    report["apt_packages"] = apt_json(result);
    std::cout << json_text(report) << "\n";
  } else {
    // The report names the venv's and the base's files, whatever bytes their names hold.
    std::cout << terminal_safe(result.report.text(), std::string::npos);
  }
  return result.report.has_errors() ? k_exit_check_failed : 0;
}

// Scripts read stdout: the reference of each output with its digest, one per
// line (IMG=$(venv2docker ... --push)); people read the rest on stderr.
void print_built(const BuildResult& result, const CommandLine& command, const Reporter& reporter) {
  if (command.iidfile) write_result_file(*command.iidfile, image_id(result), "--iidfile");
  if (command.metadata_file) {
    write_result_file(*command.metadata_file, json_text(build_metadata(result)) + "\n", "--metadata-file");
  }
  if (command.json) {
    std::cout << json_text(result_json(result, reporter)) << "\n";
    return;
  }
  for (const auto& reference : output_references(result)) {
    std::cout << terminal_safe(reference, std::string::npos) << "\n";
  }
  if (command.quiet) return;
  // Several platforms: the index is what the name stands for.
  std::fprintf(stderr, "Built %s %s\n", terminal_safe(result.name.familiar()).c_str(),
               (result.index ? result.index->digest() : result.image.manifest_digest()).str().c_str());
  if (result.loaded) std::fprintf(stderr, "  %s\n", terminal_safe(*result.loaded).c_str());
  for (const auto& output : result.outputs) {
    if (output.type == "docker-archive") {
      std::fprintf(stderr, "  load it with: docker load -i %s\n", terminal_safe(output.path.string()).c_str());
    }
  }
}

// --json promises one object on stdout whatever happens; --json before any
// "--" is enough to know, even when the rest of the command line is refused.
bool wants_json(int argc, char** argv) {
  for (int i = 1; i < argc && std::string_view(argv[i]) != "--"; ++i) {
    if (std::string_view(argv[i]) == "--json") return true;
  }
  return false;
}

int fail(const std::string& message, const std::string& hint, int status, bool json) {
  if (cancelling_signal() != 0) status = cancelled_exit_status();
  std::fprintf(stderr, "venv2docker: error: %s\n", terminal_safe(message).c_str());
  if (!hint.empty()) std::fprintf(stderr, "venv2docker: hint: %s\n", terminal_safe(hint).c_str());
  if (json) {
    std::cout << json_text({{"error", {{"message", message}, {"hint", hint}, {"exit_status", status}}}}) << "\n";
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  prepare_process();
  const bool json = wants_json(argc, argv);
  try {
    const ParsedCommandLine parsed = parse_command_line(argc, argv);
    if (parsed.exit_code) return *parsed.exit_code;
    const CommandLine& command = parsed.command;
    if (command.clean) return remove_build_dir(command);
    Reporter reporter(command.verbosity());
    const BuildResult result = build(command.options, reporter);
    if (command.options.check_only) return print_check(result, command.json);
    print_built(result, command, reporter);
    return 0;
  } catch (const UsageError& e) {
    return fail(e.what(), e.hint(), k_exit_usage, json);
  } catch (const CheckError& e) {
    return fail(e.what(), e.hint(), k_exit_check_failed, json);
  } catch (const Error& e) {
    return fail(e.what(), e.hint(), k_exit_failed, json);
  } catch (const std::exception& e) {
    return fail(e.what(), "", k_exit_failed, json);
  }
}
