#include "build/build.h"

#include <algorithm>

#include "build/apt_suggestions.h"
#include "build/container_settings.h"
#include "build/load_base_image.h"
#include "build/venv_layers_job.h"
#include "build/venv_stage_record.h"
#include "compat/compat_check.h"
#include "compat/elf_memo.h"
#include "compat/host_interpreter_cache.h"
#include "compat/system_site_packages.h"
#include "debian/apt_archives.h"
#include "image/docker_archive_writer.h"
#include "image/image_builder.h"
#include "image/layout_reference.h"
#include "image/oci_layout_writer.h"
#include "image/platform.h"
#include "layer/file_index.h"
#include "layer/layer_cache.h"
#include "layer/layer_writer.h"
#include "pip/pip_layer.h"
#include "relocate/relocate.h"
#include "remote/docker_daemon.h"
#include "remote/registry_push.h"
#include "store/blob_store.h"
#include "store/cache_record.h"
#include "util/error.h"
#include "venv/venv.h"
#include "walk/tree_walk.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

constexpr const char* k_default_path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

std::optional<fs::path> project_folder(const BuildOptions& options, const Venv& venv, Reporter& reporter) {
  if (options.no_project) return std::nullopt;
  if (options.project) {
    if (!fs::is_directory(*options.project)) {
      throw UsageError("--project " + options.project->string() + " is not a folder");
    }
    return fs::absolute(*options.project).lexically_normal();
  }
  if (venv.project) {
    if (fs::is_directory(*venv.project)) return *venv.project;
    reporter.warning((venv.root / ".project").string() + " names " + venv.project->string() +
                     ", which is not a folder; building without a project");
  }
  return std::nullopt;
}

std::string base_path_variable(const Image& base) {
  for (const auto& entry : base.config.value("config", nlohmann::json::object()).value("Env", nlohmann::json::array())) {
    std::string text = entry.get<std::string>();
    if (text.starts_with("PATH=")) return text.substr(5);
  }
  return k_default_path;
}

// Every image is OCI, whatever the base's family (docs/images.md), so every
// new layer gets the OCI layer type: LayerOptions' default family.
LayerOptions layer_options_for(const BuildOptions& options) {
  LayerOptions layer_options;
  layer_options.mtime = options.epoch;
  layer_options.threads = options.threads;
  layer_options.level = options.compression_level;
  return layer_options;
}

void report_layer(const std::string& label, const Layer& layer, bool reused, Reporter& reporter) {
  reporter.detail(label + ": " + layer.blob.digest.str() + " (" + human_bytes(layer.blob.size) + ")" +
                  (reused ? ", unchanged: reused from the cache" : ""));
}

Layer write_tree_layer(std::vector<LayerEntry> entries, const std::string& label, const BuildOptions& options,
                       const BlobStore& store, Reporter& reporter) {
  LayerOptions layer_options = layer_options_for(options);
  layer_options.progress = [&](std::uint64_t bytes) { reporter.progress(label, bytes); };
  bool reused = false;
  Layer layer = write_layer_cached(std::move(entries), layer_options, store, &reused);
  reporter.end_progress();
  report_layer(label, layer, reused, reporter);
  return layer;
}

WrittenOutput write_output(const std::string& destination, const Image& image, const Reference& name,
                           const BlobStore& store, const RegistryOptions& registry,
                           const std::optional<MountSource>& mount_from, Reporter& reporter) {
  if (destination.starts_with("registry:")) {
    Reference target = Reference::parse_or_throw(destination.substr(9), "--output registry:");
    if (!target.tag && !target.digest) target.tag = name.tag_or_latest();
    PushResult pushed = push_image(image, target, mount_from, registry, store, reporter);
    reporter.step("Pushed " + pushed.reference + " " + pushed.digest.str() + " (" + std::to_string(pushed.uploaded) +
                  " blobs uploaded, " + std::to_string(pushed.mounted) + " mounted, " +
                  std::to_string(pushed.existing) + " already there)");
    return WrittenOutput{"registry", pushed.reference, target.tag_or_latest(), pushed.digest.str()};
  }
  if (destination.starts_with("oci:")) {
    auto [dir, tag] = split_layout_reference(destination.substr(4));
    if (dir.empty()) throw UsageError("--output oci: needs a folder, as in oci:DIR[:TAG]");
    std::string chosen_tag = tag.value_or(name.tag_or_latest());
    write_oci_layout(image, store, dir, chosen_tag);
    return WrittenOutput{"oci", dir, chosen_tag, {}};
  }
  if (destination.starts_with("docker-archive:")) {
    fs::path file = destination.substr(15);
    if (file.empty()) throw UsageError("--output docker-archive: needs a file, as in docker-archive:FILE");
    write_docker_archive(image, store, file, name);
    return WrittenOutput{"docker-archive", file, name.tag_or_latest(), {}};
  }
  throw UsageError("--output \"" + destination + "\" is not a destination I can write",
                   "use oci:DIR[:TAG], docker-archive:FILE or registry:REFERENCE");
}

bool is_registry_base(const std::string& base) {
  return base != "scratch" && !base.starts_with("oci:") && !base.starts_with("docker-archive:");
}

// --creds name one registry: the one pushed to, else the base's. They are
// never sent anywhere else.
RegistryOptions registry_options(const BuildOptions& options, const Reference& name, const std::string& base) {
  RegistryOptions registry = options.registry;
  if (!registry.creds || !registry.creds_registry.empty()) return registry;
  std::optional<std::string> pushed_to;
  if (options.push) pushed_to = name.registry;
  for (const auto& destination : options.outputs) {
    if (pushed_to) break;
    if (!destination.starts_with("registry:")) continue;
    if (auto target = Reference::parse(destination.substr(9))) pushed_to = target->registry;
  }
  if (pushed_to) {
    registry.creds_registry = *pushed_to;
  } else if (auto reference = is_registry_base(base) ? Reference::parse(base) : std::nullopt) {
    registry.creds_registry = reference->registry;
  }
  return registry;
}

std::string file_safe(std::string text) {
  std::replace_if(text.begin(), text.end(), [](char c) { return c == '/' || c == ':' || c == '@'; }, '_');
  return text;
}

fs::path build_dir_for(const BuildOptions& options, const std::optional<fs::path>& project) {
  if (options.build_dir) return *options.build_dir;
  return (project ? *project : fs::current_path()) / ".venv2docker";
}

// Streams the image to the Docker daemon as a docker-archive: one already
// written, or a temporary one in the cache (the daemon reads it from a stream).
std::string load_image(const BuildResult& result, const BlobStore& store, Reporter& reporter) {
  DaemonAddress daemon = docker_daemon_address();
  reporter.step("Loading into the Docker daemon at " + daemon.shown);
  for (const auto& output : result.outputs) {
    if (output.type == "docker-archive") return load_into_daemon(output.path, daemon, reporter);
  }
  fs::path temporary = store.root() / "tmp" / ("load-" + std::string(result.image.manifest_digest().hex()) + ".tar");
  struct Remove {
    fs::path path;
    ~Remove() {
      std::error_code ignored;
      fs::remove(path, ignored);
    }
  } remove{temporary};
  write_docker_archive(result.image, store, temporary, result.name);
  return load_into_daemon(temporary, daemon, reporter);
}

// Relocates the walked venv with the memo that lets a rebuild skip text
// files already scanned (one per source and destination paths: what the scan
// looks for).
RelocationResult relocate_walked_venv(const Venv& venv, std::vector<LayerEntry>& entries, RelocationParams params,
                                      const BlobStore& store) {
  const std::string memo_key = venv.root.string() + "\n" +
                               (params.project_source ? params.project_source->string() : "") + "\n" +
                               params.venv_destination + "\n" + params.project_destination;
  FileStatMemo text_scan_memo(cache_record_path(store.root(), "scan-memos", sha256_of(memo_key)), k_text_scan_memo);
  params.text_scan_memo = &text_scan_memo;
  RelocationResult relocated = relocate_venv(venv, entries, params);
  text_scan_memo.save();
  return relocated;
}

// The host paths of the venv's ELF files, which the interpreter's library
// closure must cover.
std::vector<std::string> elf_files_of(const std::vector<LayerEntry>& entries, FileStatMemo& elf_memo) {
  std::vector<std::string> files;
  for (const auto& entry : entries) {
    if (host_elf_of(entry, &elf_memo)) files.push_back(entry.source);
  }
  return files;
}

PipStaging stage_pip(const Venv& venv, const fs::path& requirements, const BlobStore& store, Reporter& reporter) {
  reporter.step("Installing --pip " + requirements.string() + " with the venv's pip");
  PipStaging staging = stage_pip_requirements(venv, requirements, store.root() / "tmp");
  for (const auto& warning : staging.pip_warnings) reporter.warning(warning);
  if (staging.installed.empty()) {
    reporter.step("The venv already satisfies " + requirements.string() + ": no pip layer");
  } else {
    reporter.step("pip installed " + describe_distributions(staging.installed));
  }
  return staging;
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
  return build_dir_for(options, project);
}

BuildResult build(const BuildOptions& options, Reporter& reporter) {
  PlatformRequest platform = PlatformRequest::from_option(options.platform);  // a bad --platform stops us first
  Venv venv = open_venv(locate_venv(options.venv));
  std::optional<fs::path> project = project_folder(options, venv, reporter);
  Reference name = Reference::parse_or_throw(options.name.value_or(venv.name) + ":" + options.tag, "--name/--tag");
  BlobStore store(options.cache_dir.value_or(BlobStore::default_root()));
  // First, as pip's failures are the user's to fix before anything is pulled.
  std::optional<PipStaging> pip;
  if (options.pip_requirements) pip = stage_pip(venv, *options.pip_requirements, store, reporter);

  std::string base_ref = options.base.value_or("python:" + venv.python_version + "-slim");
  reporter.step("Reading base image " + base_ref);
  RegistryOptions registry = registry_options(options, name, base_ref);
  BaseImage base = load_base_image(base_ref, platform, store, registry, reporter);
  // Everything the image will hold is listed first, so the checks can see it
  // all before a single layer is written.
  if (options.python_from && *options.python_from != "host") {
    throw UsageError("--python-from " + *options.python_from + " is not supported", "use --python-from host");
  }
  FileIndex base_files = FileIndex::of_image(base.image, store);
  std::optional<AptLayerContents> apt;
  // Read once, whether --apt installs from them or the checks ask them which
  // package has a missing library.
  AptArchives apt_archives(options.apt, base.image, base_files, store, reporter);
  if (!options.apt.requests.empty()) apt = apt_archives.prepare_layer();
  std::string interpreter = options.python_from ? host_interpreter_path(venv)
                                                : image_interpreter_for(venv, base_files)
                                                      .value_or("/usr/local/bin/python" + venv.python_version);

  ExcludeRules user_excludes;
  for (const auto& pattern : options.excludes) user_excludes.add(pattern);
  std::vector<std::string> walk_warnings;
  WalkOptions venv_walk{venv.root, options.venv_path, user_excludes, {}};
  if (project) venv_walk.allowed_roots.push_back(*project);
  // bin/python* point at the host interpreter; relocation repoints them.
  venv_walk.allowed_roots.push_back(venv.home);
  std::vector<LayerEntry> venv_entries = walk_tree(venv_walk, walk_warnings);
  RelocationParams relocation{options.venv_path, project, options.project_path, interpreter, nullptr, {}};
  const LayerOptions venv_layer_options = layer_options_for(options);
  // Outside the venv, so listed on every build and part of the stage's key.
  const std::vector<SystemDistribution> system_distributions = host_system_distributions(venv);

  // A venv unchanged since a recorded build gets that build's relocation,
  // checks and layers without running them (src/venv_stage_record.h). --pip
  // adds files from outside the venv, so those builds run the stage.
  std::optional<CacheKey> stage_key;
  if (!pip) {
    VenvStageKeyInputs key_inputs{&venv, &venv_entries, &relocation, &base, {}, &system_distributions,
                                  options.python_from.has_value(), options.max_layers, venv_layer_options};
    if (apt) key_inputs.layers_below.push_back(&apt->entries);
    stage_key = venv_stage_key(key_inputs);
  }
  std::optional<VenvStageRecord> recorded = stage_key ? find_venv_stage(stage_key->digest, store) : std::nullopt;

  // The venv's ELF headers, remembered by stat: read by the interpreter's
  // library closure and the checks, opened again only when they change.
  // Loaded only when the stage runs.
  std::optional<FileStatMemo> elf_memo;
  auto loaded_elf_memo = [&]() -> FileStatMemo& {
    if (!elf_memo) elf_memo.emplace(cache_record_path(store.root(), "elf-memos", sha256_of(venv.root.string())), k_elf_memo);
    return *elf_memo;
  };
  RelocationResult relocated;
  std::vector<std::string> venv_elf_files;
  // Once relocated, the venv is final: its layers are written from then on,
  // while the interpreter is collected and the checks run
  // (src/venv_layers_job.h); a failed check cancels them.
  std::optional<VenvLayersJob> venv_layers_job;
  auto run_relocation = [&] {
    relocated = relocate_walked_venv(venv, venv_entries, relocation, store);
    venv_entries.insert(venv_entries.end(), relocated.extra_entries.begin(), relocated.extra_entries.end());
    if (!options.check_only) {
      venv_layers_job.emplace(venv_entries, options.venv_path, options.max_layers, venv_layer_options, store);
    }
    if (options.python_from) venv_elf_files = elf_files_of(venv_entries, loaded_elf_memo());
  };
  if (recorded) {
    reporter.detail("venv: unchanged since a recorded build, its relocation and checks reused");
    relocated.warnings = recorded->relocation_warnings;
    venv_elf_files = recorded->venv_elf_files;
  } else {
    run_relocation();
  }
  std::vector<LayerEntry> pip_entries;
  if (pip) pip_entries = pip_layer_entries(*pip, venv, relocation, walk_warnings);

  std::optional<HostInterpreter> host;
  std::string host_key;
  if (options.python_from) {
    reporter.step("Collecting the venv's interpreter " + interpreter);
    bool reused = false;
    host = collect_host_interpreter_cached(venv, base.is_scratch, venv_elf_files, store.root(), &reused);
    host_key = interpreter_layer_key(host->entries);
    if (recorded && recorded->interpreter_layer_key != host_key) {
      // The interpreter changed under an unchanged venv: the checks must see
      // the new one, so the stage runs after all.
      recorded.reset();
      const std::vector<std::string> listed = venv_elf_files;
      run_relocation();
      if (venv_elf_files != listed) {
        host = collect_host_interpreter_cached(venv, base.is_scratch, venv_elf_files, store.root(), &reused);
        host_key = interpreter_layer_key(host->entries);
      }
    }
    if (reused) reporter.detail("interpreter files: unchanged, reused from the cache");
    for (const auto& warning : host->warnings) reporter.warning(warning);
  }

  CompatReport report;
  if (recorded) {
    report = recorded->report;
  } else {
    CompatInputs check_inputs;
    check_inputs.venv = &venv;
    check_inputs.base = &base;
    check_inputs.base_files = &base_files;
    if (apt) check_inputs.added_layers.push_back(&apt->entries);
    if (host) check_inputs.added_layers.push_back(&host->entries);
    check_inputs.venv_entries = &venv_entries;
    check_inputs.pip_entries = &pip_entries;
    check_inputs.host_interpreter = host ? std::optional<std::string>(host->executable) : std::nullopt;
    check_inputs.base_name = base.is_scratch ? "scratch" : base.name;
    check_inputs.system_distributions = &system_distributions;
    check_inputs.elf_memo = &loaded_elf_memo();
    report = check_compatibility(check_inputs);
    elf_memo->save();
  }
  const CompatReport checked = report;  // what a record keeps
  for (const auto& warning : relocated.warnings) {
    report.findings.push_back({Severity::warning, "relocation", warning, "", ""});
  }
  suggest_apt_packages(report, apt_archives, reporter);
  if (options.check_only) {
    return BuildResult{name, base.image, {}, std::nullopt, report, apt ? apt->installed : std::vector<std::string>{}};
  }
  if (report.has_errors() && !options.force) {
    throw Error("the venv cannot run on this base image:\n" + report.text(),
                "fix what is listed, or pass --force to build anyway");
  }
  for (const auto& finding : report.findings) {
    if (finding.check != "relocation") reporter.warning(finding.message + (finding.fix.empty() ? "" : " (" + finding.fix + ")"));
  }
  reporter.detail("interpreter in the image: " + interpreter);

  std::vector<NewLayer> layers;
  if (apt && !apt->entries.empty()) {
    std::string installed;
    for (const auto& package : apt->installed) installed += " " + package.substr(0, package.find(' '));
    layers.push_back({write_tree_layer(std::move(apt->entries), "apt layer", options, store, reporter),
                      "venv2docker: apt-get install" + installed});
  }
  if (host) {
    // Alone, with every compression thread and its own progress line: written
    // in the venv's pool it measured no faster (2 cores, noisy machine).
    reporter.step("Packing the interpreter layer");
    layers.push_back({write_tree_layer(std::move(host->entries), "interpreter layer", options, store, reporter),
                      "venv2docker: host interpreter " + interpreter});
  }
  reporter.step("Packing venv " + venv.root.string() + " -> " + options.venv_path);
  std::vector<VenvStageLayer> venv_layers;
  std::vector<bool> reused(recorded ? recorded->layers.size() : 0, true);
  if (recorded) {
    venv_layers = recorded->layers;
  } else {
    VenvLayersWritten written = venv_layers_job->wait("venv layers", reporter);
    venv_layers = std::move(written.layers);
    reused = std::move(written.reused);
    // Files changed moments ago, or read from outside the venv, may change
    // again unseen: such a stage is used but not recorded.
    if (stage_key && stage_key->settled && !relocated.looked_outside) {
      record_venv_stage(stage_key->digest, {relocated.warnings, venv_elf_files, host_key, checked, venv_layers}, store);
    }
  }
  for (std::size_t i = 0; i < venv_layers.size(); ++i) {
    const auto& [group_name, layer] = venv_layers[i];
    const bool whole = group_name == "venv";
    report_layer(whole ? "venv layer" : group_name, layer, reused[i], reporter);
    layers.push_back({layer, whole ? "venv2docker: virtualenv " + venv.name + " at " + options.venv_path
                                   : "venv2docker: " + group_name});
  }

  if (!pip_entries.empty()) {
    reporter.step("Packing the pip layer");
    layers.push_back({write_tree_layer(std::move(pip_entries), "pip layer", options, store, reporter),
                      "venv2docker: pip install -r " + pip->requirements.filename().string() + " (" +
                          describe_distributions(pip->installed) + ")"});
  }

  if (project) {
    reporter.step("Packing project " + project->string() + " -> " + options.project_path);
    ExcludeRules project_excludes = default_project_excludes(*project);
    for (const auto& pattern : options.excludes) project_excludes.add(pattern);
    // A venv kept inside its project (project/.venv) is already in its own layer.
    fs::path venv_inside = venv.root.lexically_relative(*project);
    if (!venv_inside.empty() && !venv_inside.string().starts_with("..")) project_excludes.add(venv_inside.string());
    WalkOptions project_walk{*project, options.project_path, project_excludes, {venv.root}};
    layers.push_back({write_tree_layer(walk_tree(project_walk, walk_warnings), "project layer", options, store,
                                       reporter),
                      "venv2docker: project " + project->filename().string() + " at " + options.project_path});
  }
  for (const auto& warning : walk_warnings) reporter.warning(warning);
  for (const auto& warning : relocated.warnings) reporter.warning(warning);

  AssemblyOptions assembly;
  assembly.created = options.epoch;
  if (!base.is_scratch) {
    assembly.annotations["org.opencontainers.image.base.name"] = base.name;
    assembly.annotations["org.opencontainers.image.base.digest"] = base.image.manifest_digest().str();
  }
  for (const auto& [key, value] : parse_assignments(options.annotations, "--annotation")) assembly.annotations[key] = value;
  Image image = append_layers(base, layers, container_settings(options, base_path_variable(base.image), project.has_value()),
                              assembly, store);

  std::vector<std::string> destinations = options.outputs;
  if (options.push) destinations.push_back("registry:" + name.full());
  if (destinations.empty() && !options.load) {
    fs::path file = build_dir_for(options, project) / (file_safe(name.familiar()) + ".tar");
    destinations.push_back("docker-archive:" + file.string());
  }
  // The base's layers can be mounted from its repository on the same registry.
  std::optional<MountSource> mount_from;
  if (auto source = is_registry_base(base_ref) ? Reference::parse(base.name) : std::nullopt) {
    mount_from = MountSource{*source, {}};
    for (const auto& layer : base.image.layers) mount_from->blobs.push_back(layer.blob.digest);
  }
  BuildResult result{name, image, {}, std::nullopt, report, apt ? apt->installed : std::vector<std::string>{}};
  for (const auto& destination : destinations) {
    reporter.step("Writing " + destination);
    result.outputs.push_back(write_output(destination, image, name, store, registry, mount_from, reporter));
  }
  if (options.load) result.loaded = load_image(result, store, reporter);
  return result;
}

}  // namespace venv2docker
