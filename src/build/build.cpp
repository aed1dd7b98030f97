#include "build/build.h"

#include "build/base_files_job.h"
#include "build/build_folder_marker.h"
#include "build/check_verdict.h"
#include "build/credential_scope.h"
#include "build/daemon_load.h"
#include "build/image_assembly.h"
#include "build/image_interpreter.h"
#include "build/interpreter_release.h"
#include "build/image_name.h"
#include "build/base_dpkg_status.h"
#include "build/image_sbom.h"
#include "build/load_base_image.h"
#include "build/multi_platform.h"
#include "build/new_layers.h"
#include "build/output_preflight.h"
#include "build/pip_stage.h"
#include "build/project_defaults.h"
#include "build/registry_cache.h"
#include "build/venv_and_project.h"
#include "build/venv_stage.h"
#include "image/platform.h"
#include "layer/file_index.h"
#include "store/blob_store.h"
#include "util/error.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

void append(std::vector<NewLayer>& layers, std::vector<NewLayer> more) {
  layers.insert(layers.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

void report_warnings(const std::vector<std::vector<std::string>>& lists, Reporter& reporter) {
  for (const auto& list : lists) {
    for (const auto& warning : list) reporter.warning(warning);
  }
}

}  // namespace

fs::path resolve_build_dir(const BuildOptions& options) {
  std::optional<fs::path> project = options.project;
  if (!project && !options.build_dir && !options.no_project) {
    // The venv's .project decides, when there is a venv to ask.
    try {
      project = open_venv(locate_venv(options.venv)).project;
    } catch (const Error&) {
    }
  }
  return build_folder(options.build_dir, project);
}

namespace {

// The stages in order, for one platform. Each takes only what it needs; what
// one returns, the next ones read.
BuildResult build_one_platform(const BuildOptions& options, Reporter& reporter) {
  const PlatformRequest platform = PlatformRequest::from_option(options.platform);  // a bad --platform stops us first
  const Venv venv = open_venv(locate_venv(options.venv));
  const std::optional<fs::path> project = project_folder(options.project, options.no_project, venv, reporter);
  const std::optional<PyProject> pyproject = describing_pyproject(venv, project);
  const Reference name =
      image_name(options.name, options.tag, default_image_name(venv, pyproject), default_tag(pyproject));
  const fs::path build_dir = build_folder(options.build_dir, project);
  const std::vector<std::string> destinations =
      output_destinations(options.outputs, options.push, options.load, name, build_dir);
  const std::string base_ref = options.base.value_or("python:" + venv.python_version + "-slim");
  const RegistryOptions registry =
      scope_credentials(options.registry, registry_pushed_to(options.push, name, options.outputs), base_ref);
  if (!options.check_only) {  // before any long work
    check_output_destinations(destinations);
    check_push_destinations(destinations, name, base_repository(base_ref), registry, reporter);
  }
  const BlobStore store(options.cache_dir.value_or(BlobStore::default_root()));
  const std::optional<PipStaging> pip = stage_pip(options.pip_requirements, venv, store, reporter);

  reporter.step("Reading base image " + base_ref);
  RegistryCache cache({options.cache_from, options.cache_to, destinations, options.load, options.check_only},
                      registry, store, reporter);
  const BaseImage base = load_base_image(base_ref, platform, store, registry, reporter, cache.base_layer_skip(base_ref));
  const bool host_interpreter = wants_host_interpreter(options.python_from);
  // --check writes no image: a local base is read where it is, not copied into the cache.
  BaseFilesJob base_files_job(base, store, options.check_only ? LocalLayerUse::listed_only : LocalLayerUse::stored);
  // --apt's layer sits below the venv (its files are in the venv's key and
  // checks) and comes from the base's apt sources: then the base is read
  // first. Otherwise the venv is walked, relocated and packed meanwhile, for
  // the interpreter the base most likely has, checked once the base is read.
  std::optional<AptLayerPlan> apt_plan;
  std::optional<AptLayerContents> apt;  // unpacked only when the checks or the layer need its files
  std::optional<AptArchives> apt_archives;
  std::string interpreter = likely_image_interpreter(host_interpreter, venv, base.image);
  std::string release = likely_interpreter_release(host_interpreter, venv, base.image, store);
  const bool base_read_first = !options.apt.requests.empty();
  // Asked for where needed: a rebuild with its venv stage recorded and no
  // --apt, missing library or SBOM to deliver never reads the base's files.
  const auto base_files = [&]() -> const FileIndex& { return base_files_job.wait(reporter); };
  if (base_read_first) {
    apt_plan = apt_archives.emplace(options.apt, base.image, base_files, store, reporter, cache.apt_plans()).plan_layer();
    interpreter = image_interpreter(host_interpreter, venv, base_files());
    release = interpreter_release(host_interpreter, venv, base.image, base_files(), interpreter, store);
  }
  const std::vector<std::string> apt_installed = apt_plan ? apt_plan->installed : std::vector<std::string>{};
  const auto unpack_apt = [&] { return apt_archives->unpack_layer(*apt_plan); };

  LayerOptions layer_options = new_layer_options(options.epoch, options.threads, options.compression_level);
  layer_options.shared = cache.shared();
  const VenvStageSettings stage_settings{options.venv_path, options.project_path, options.excludes, host_interpreter,
                                         options.max_layers, layer_options, !options.check_only, &cache};
  VenvStageInputs stage_inputs{venv, project, base, apt_plan, apt, pip, interpreter, release};
  VenvStage venv_stage = begin_venv_stage(stage_inputs, stage_settings, store, reporter);
  // A recorded stage was recorded for the interpreter and release this base
  // was found to have (build/venv_stage.h): the guess needs no checking.
  const std::string found = base_read_first || venv_stage.recorded
                                ? interpreter
                                : image_interpreter(host_interpreter, venv, base_files());
  const std::string found_release =
      base_read_first || venv_stage.recorded
          ? release
          : interpreter_release(host_interpreter, venv, base.image, base_files(), found, store);
  if (found != interpreter || found_release != release) {
    // A wrong guess: relocate again for the interpreter the base has (the
    // packages' layers already written come back from the layer cache).
    const auto described = [](const std::string& path, const std::string& release_named) {
      return path + (release_named.empty() ? " (pyvenv.cfg's release kept)" : " " + release_named);
    };
    reporter.detail("the base's interpreter is " + described(found, found_release) + ", not " +
                    described(interpreter, release) + ": relocating the venv again");
    venv_stage = VenvStage{};  // cancels the layers written for the guess
    interpreter = found;
    release = found_release;
    venv_stage = begin_venv_stage(stage_inputs, stage_settings, store, reporter);
  }
  if (!venv_stage.recorded) {
    if (apt_plan && !apt) apt = unpack_apt();  // the checks read its files
    finish_venv_stage(venv_stage, stage_inputs, stage_settings, base_files(), store, reporter);
  }
  // Read once, whether --apt installs from them or the checks ask which package has a missing library.
  if (!apt_archives) apt_archives.emplace(options.apt, base.image, base_files, store, reporter, cache.apt_plans());
  CompatReport report = full_report(venv_stage.outcome.report, venv_stage.outcome.relocation_warnings,
                                    *apt_archives, reporter, cache.in_use() ? &cache : nullptr);
  if (options.check_only) return BuildResult{name, base.image, {}, std::nullopt, report, apt_installed, std::nullopt, std::nullopt, std::nullopt};
  require_fit(report, options.force, reporter);
  reporter.detail("interpreter in the image: " + interpreter);
  // The apt layer takes `apt`; without its files, the status as planned (what an SBOM reads of it).
  const std::optional<std::string> apt_status =
      apt ? apt_dpkg_status(apt)
          : apt_plan ? std::optional<std::string>(apt_archives->planned_dpkg_status(*apt_plan)) : std::nullopt;

  const LayerWriting writing{layer_options, store, reporter};
  std::vector<NewLayer> layers = apt_plan ? apt_layer(*apt_plan, std::move(apt), unpack_apt, writing) : std::vector<NewLayer>{};
  append(layers, interpreter_layer(std::move(venv_stage.host), interpreter, writing));
  append(layers, venv_layers(venv_stage, stage_inputs, stage_settings, writing));
  set_relocation_findings(report, venv_stage.outcome.relocation_warnings);
  if (venv_stage.shared_key) cache.learn_stage(*venv_stage.shared_key, shared_outcome(venv_stage));
  append(layers, pip_layer(std::move(venv_stage.pip_entries), pip, writing));
  ProjectLayer project_layers = project_layer(project, options.project_path, options.excludes, venv, writing);
  append(layers, std::move(project_layers.layers));
  report_warnings({venv_stage.walk_warnings, project_layers.walk_warnings, venv_stage.outcome.relocation_warnings},
                  reporter);
  const Image image = assemble_image(base, layers, with_project_command(options.runtime, pyproject, venv, reporter),
                                     {options.venv_path, project ? std::optional(options.project_path) : std::nullopt},
                                     options.epoch, options.annotations, store);
  const bool sbom = sbom_delivered(options.sbom, options.sbom_file.has_value(), !options.write_outputs, destinations,
                                   image, name);
  const std::vector<SbomPackage> sbom_packages =
      sbom ? image_packages(venv, apt_status ? apt_status : base_dpkg_status(base.image, base_files, store),
                            host_interpreter)
           : std::vector<SbomPackage>{};

  PushSettings push{registry, cache.mount_sources()};
  if (std::optional<MountSource> base_layers = mount_source_for(base_ref, base)) push.mount_from.push_back(*base_layers);
  if (!options.write_outputs) {
    return BuildResult{name, image, {}, std::nullopt, report, apt_installed, std::nullopt,
                       PendingOutputs{destinations, registry, push.mount_from, sbom_packages}, std::nullopt};
  }
  if (writes_to_build_folder(options.outputs, options.push, options.load)) make_build_folder(build_dir);
  BuildResult result{name, image, write_outputs(destinations, image, name, push, store, reporter), std::nullopt,
                     report, apt_installed, std::nullopt, std::nullopt, std::nullopt};
  if (sbom) {
    result.sbom = deliver_sbom(image, name, options.epoch, sbom_packages, result.outputs,
                               {options.sbom_file, registry}, store, reporter);
  }
  if (options.load) result.loaded = load_into_docker(image, name, result.outputs, store, reporter);
  cache.write(image, base, push.mount_from);
  return result;
}

}  // namespace

BuildResult build(const BuildOptions& options, Reporter& reporter) {
  if (!builds_per_platform(options)) return build_one_platform(options, reporter);
  const std::vector<BuildOptions> each = per_platform_options(options);
  if (each.size() == 1) return build_one_platform(each.front(), reporter);
  std::vector<BuildResult> built;
  for (const BuildOptions& one : each) {
    reporter.step("Building for " + *one.platform);
    try {
      built.push_back(build_one_platform(one, reporter));
    } catch (const UsageError& e) {
      throw UsageError(*one.platform + ": " + e.what(), e.hint());
    } catch (const CheckError& e) {
      throw CheckError(*one.platform + ": " + e.what(), e.hint());
    } catch (const Error& e) {
      throw Error(*one.platform + ": " + e.what(), e.hint());
    }
  }
  return write_platform_index(options, std::move(built), reporter);
}

}  // namespace venv2docker
