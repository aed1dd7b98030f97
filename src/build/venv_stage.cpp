#include "build/venv_stage.h"

#include <algorithm>
#include <unordered_set>

#include "build/venv_relocation.h"
#include "compat/compat_check.h"
#include "compat/elf_memo.h"
#include "compat/host_interpreter_cache.h"
#include "compat/host_interpreter_content.h"
#include "compat/system_site_packages.h"
#include "store/cache_record.h"
#include "store/file_stat_memo.h"
#include "venv/venv_layers.h"
#include "walk/tree_walk.h"

namespace venv2docker {

namespace {

WalkedTree walk_venv(const VenvStageInputs& in, const VenvStageSettings& settings) {
  ExcludeRules user_excludes;
  for (const auto& pattern : settings.excludes) user_excludes.add(pattern);
  WalkOptions walk{in.venv.root, settings.venv_path, user_excludes, {}};
  if (in.project) walk.allowed_roots.push_back(*in.project);
  // bin/python* point at the host interpreter; relocation repoints them.
  walk.allowed_roots.push_back(in.venv.home);
  return WalkedTree(std::move(walk));
}

RelocationParams relocation_params(const VenvStageInputs& in, const VenvStageSettings& settings) {
  return {settings.venv_path, in.project, settings.project_path, in.interpreter, nullptr, nullptr, {},
          in.interpreter_release};
}

// --pip adds files from outside the venv, so those builds have no key: they
// run the stage every time.
std::optional<CacheKey> stage_key(const VenvStageInputs& in, const VenvStageSettings& settings,
                                  const CacheKey& walked_key, const RelocationParams& relocation,
                                  const std::vector<SystemDistribution>& system_distributions) {
  if (in.pip) return std::nullopt;
  VenvStageKeyInputs key_inputs{&in.venv, &walked_key, nullptr, &relocation, &in.base, {}, &system_distributions,
                                settings.host_interpreter, settings.max_layers, settings.layer_options};
  if (in.apt_plan) key_inputs.layer_below = in.apt_plan->files_key;
  return venv_stage_key(key_inputs);
}

// Whether a registry cache record may hold the stage's outcome by content;
// as stage_key, --pip builds have no key.
bool shares_stage(const VenvStageInputs& in, const VenvStageSettings& settings) {
  return !in.pip && settings.registry_cache && settings.registry_cache->in_use();
}

// The key a registry cache record holds the outcome under, when shares_stage.
std::optional<Digest> shared_stage_key(const VenvStageInputs& in, const VenvStageSettings& settings,
                                       const std::vector<LayerEntry>& walked, const RelocationParams& relocation,
                                       const std::vector<SystemDistribution>& system_distributions) {
  VenvStageKeyInputs key_inputs{&in.venv, nullptr, &walked, &relocation, &in.base, {}, &system_distributions,
                                settings.host_interpreter, settings.max_layers, settings.layer_options};
  if (in.apt_plan) key_inputs.layer_below = in.apt_plan->files_key;
  return venv_stage_content_key(key_inputs);
}

// The build's file digests, when it shares through a registry.
FileDigests* file_digests(const VenvStageSettings& settings) {
  return settings.layer_options.shared ? &settings.layer_options.shared->file_digests() : nullptr;
}

// Whether every file in `files` is the source of a walked entry.
bool all_walked(const std::vector<std::string>& files, const std::vector<LayerEntry>& walked) {
  std::unordered_set<std::string> sources;
  for (const LayerEntry& entry : walked) sources.insert(entry.source);
  return std::all_of(files.begin(), files.end(), [&](const std::string& file) { return sources.contains(file); });
}

// The interpreter's layer as collected for one list of the venv's ELF files.
struct CollectedInterpreter {
  HostInterpreter interpreter;
  std::vector<std::string> venv_elf_files;  // what it was collected for
  std::string key;                          // interpreter_layer_key of its entries
  bool reused = false;                      // taken from the interpreter cache
  bool verified = false;                    // taken from a registry cache record, verified by content
};

CollectedInterpreter collect_interpreter(const VenvStageInputs& in, std::vector<std::string> venv_elf_files,
                                         const BlobStore& store) {
  CollectedInterpreter collected;
  collected.interpreter =
      collect_host_interpreter_cached(in.venv, in.base.is_scratch, venv_elf_files, store.root(), &collected.reused);
  collected.key = interpreter_layer_key(collected.interpreter.entries);
  collected.venv_elf_files = std::move(venv_elf_files);
  return collected;
}

// The collection a shared stage holds, when this host shows what it lists
// (compat/host_interpreter_content.h): nothing run, walked or resolved.
std::optional<CollectedInterpreter> verified_interpreter(const VenvStageInputs& in, const VenvStageRecord& recorded,
                                                         FileDigests* digests) {
  if (!recorded.interpreter_collection || !digests) return std::nullopt;
  std::optional<HostInterpreter> host =
      verified_host_interpreter(*recorded.interpreter_collection, host_interpreter_path(in.venv), *digests);
  if (!host) return std::nullopt;
  CollectedInterpreter collected;
  collected.key = interpreter_layer_key(host->entries);
  collected.interpreter = std::move(*host);
  collected.venv_elf_files = recorded.venv_elf_files;
  collected.verified = true;
  return collected;
}

void report_interpreter(const CollectedInterpreter& collected, Reporter& reporter) {
  if (collected.reused) reporter.detail("interpreter files: unchanged, reused from the cache");
  if (collected.verified) reporter.detail("interpreter files: as the cache record lists them, verified by content");
  for (const auto& warning : collected.interpreter.warnings) reporter.warning(warning);
}

// The collection by content for a shared stage; nullopt when a file cannot
// be hashed.
std::optional<nlohmann::json> shared_collection(const CollectedInterpreter& collected,
                                                const VenvStageSettings& settings) {
  FileDigests* digests = file_digests(settings);
  if (!digests) return std::nullopt;
  return host_interpreter_content(collected.interpreter, *digests);
}

CompatReport check(const VenvStageInputs& in, const FileIndex& base_files, const VenvStage& stage,
                   const std::vector<const std::vector<LayerEntry>*>& venv_layers,
                   const std::vector<SystemDistribution>& system_distributions, FileStatMemo& elf_memo) {
  CompatInputs check_inputs;
  check_inputs.venv = &in.venv;
  check_inputs.base = &in.base;
  check_inputs.base_files = &base_files;
  if (in.apt) check_inputs.added_layers.push_back(&in.apt->entries);
  if (stage.host) check_inputs.added_layers.push_back(&stage.host->entries);
  check_inputs.venv_layers = venv_layers;
  check_inputs.pip_entries = &stage.pip_entries;
  check_inputs.host_interpreter = stage.host ? std::optional<std::string>(stage.host->executable) : std::nullopt;
  check_inputs.base_name = in.base.is_scratch ? "scratch" : in.base.name;
  check_inputs.system_distributions = &system_distributions;
  check_inputs.elf_memo = &elf_memo;
  return check_compatibility(check_inputs);
}

// The entries of each of the venv's layers, for the checks.
std::vector<const std::vector<LayerEntry>*> entries_of(const std::vector<LayerGroup>& groups) {
  std::vector<const std::vector<LayerEntry>*> lists;
  for (const LayerGroup& group : groups) lists.push_back(&group.entries);
  return lists;
}

}  // namespace

// What begin_venv_stage hands to finish_venv_stage.
struct VenvStageChecks {
  /// Its entries moved to venv_layers.
  RelocatedVenv relocated;
  /// The relocated venv, split into its layers (one group for --check, which
  /// writes none); shared with the job that writes them.
  std::shared_ptr<const std::vector<LayerGroup>> venv_layers;
  std::vector<SystemDistribution> system_distributions;
  std::optional<CacheKey> key;
  std::optional<CollectedInterpreter> collected;
};

VenvStage begin_venv_stage(const VenvStageInputs& in, const VenvStageSettings& settings, const BlobStore& store,
                           Reporter& reporter) {
  VenvStage stage;
  std::optional<WalkedTree> tree = walk_venv(in, settings);
  // The walk's entries are hashed as they are visited, never held: a
  // recorded stage needs nothing else of them. They are listed only when
  // something reads them (a registry cache's key by content, relocation),
  // and the tree is let go then: nothing reads it again, and the entries of
  // a large venv would otherwise be held twice while its layers are written.
  const CacheKey walked_key = walked_entries_key(*tree, stage.walk_warnings);
  stage.walked_key = walked_key.digest;
  std::optional<std::vector<LayerEntry>> walked_entries;
  auto walked = [&]() -> std::vector<LayerEntry>& {
    if (!walked_entries) {
      walked_entries = tree->entries(nullptr);
      tree.reset();
    }
    return *walked_entries;
  };
  const RelocationParams relocation = relocation_params(in, settings);
  // Outside the venv, so listed on every build and part of the stage's key.
  std::vector<SystemDistribution> system_distributions = host_system_distributions(in.venv);
  const std::optional<CacheKey> key = stage_key(in, settings, walked_key, relocation, system_distributions);

  // A venv unchanged since a recorded build gets that build's relocation,
  // checks and layers without running them, unless the interpreter changed
  // under it: the checks must see the new one.
  std::optional<VenvStageRecord> recorded = key ? find_venv_stage(key->digest, store) : std::nullopt;
  if (recorded) reporter.detail("venv: unchanged since a recorded build, its relocation and checks reused");
  // The key by content reads every file: only to look the stage up, or to write it.
  if (shares_stage(in, settings) && (!recorded || settings.registry_cache->writes_record())) {
    stage.shared_key = shared_stage_key(in, settings, walked(), relocation, system_distributions);
  }
  // A fresh runner: a registry cache record may hold the outcome by content
  // (its layers are in the registry, not here).
  bool shared = false;
  if (!recorded && stage.shared_key) {
    recorded = settings.registry_cache->find_stage(*stage.shared_key);
    // Its ELF files lead the interpreter's collection: they must be the venv's.
    if (recorded && !all_walked(recorded->venv_elf_files, walked())) recorded.reset();
    shared = recorded.has_value();
  }
  if (shared) reporter.detail("venv: found by content in a cache record, its relocation, checks and layers reused");
  std::optional<CollectedInterpreter> collected;
  if (recorded && settings.host_interpreter) {
    reporter.step("Collecting the venv's interpreter " + in.interpreter);
    if (shared) {
      collected = verified_interpreter(in, *recorded, file_digests(settings));
      if (!collected) reporter.detail("interpreter files: not as the cache record lists them; collecting them");
    }
    if (!collected) collected = collect_interpreter(in, recorded->venv_elf_files, store);
    const std::string seen = shared ? interpreter_content_key(collected->interpreter.entries, file_digests(settings)) : collected->key;
    if (seen != recorded->interpreter_layer_key) recorded.reset();
  }
  if (recorded) {
    if (collected) {
      report_interpreter(*collected, reporter);
      if (stage.shared_key) {
        stage.shared_interpreter_key = interpreter_content_key(collected->interpreter.entries, file_digests(settings));
        stage.shared_interpreter_collection =
            collected->verified ? recorded->interpreter_collection : shared_collection(*collected, settings);
      }
      stage.host = std::move(collected->interpreter);
    }
    stage.outcome = std::move(*recorded);
    stage.recorded = true;
    return stage;
  }

  // Layers written now read every file anyway: the text scan bets on them.
  RelocatedVenv relocated =
      relocate_walked_venv(in.venv, std::move(walked()), relocation, store, settings.write_layers);
  for (const std::string& warning : relocated.cache_warnings) reporter.warning(warning);
  stage.deferred_text_scan = relocated.deferred_text_scan;
  // Once relocated, the venv is final: its layers are written from now on,
  // while the base is read, the interpreter is collected and the checks run;
  // a failed check cancels them. The entries move into the layers' groups,
  // which the checks read too, so the venv is held once.
  std::shared_ptr<const std::vector<LayerGroup>> venv_layers;
  if (settings.write_layers) {
    // One layer per large distribution (and a few shared ones), so a bumped
    // dependency changes one layer; --max-layers 1 keeps a single venv layer.
    venv_layers = std::make_shared<const std::vector<LayerGroup>>(
        split_venv_layers(std::move(relocated.entries), settings.venv_path, settings.max_layers));
    LayerOptions options = settings.layer_options;
    if (const std::shared_ptr<DeferredTextScan> scan = stage.deferred_text_scan) {
      options.pending_text_scan = [scan](const LayerEntry& entry, std::string_view bytes) {
        scan->check(entry, bytes);
      };
    }
    stage.layers_job = std::make_unique<VenvLayersJob>(venv_layers, std::move(options), store);
  } else {
    venv_layers = std::make_shared<const std::vector<LayerGroup>>(
        std::vector<LayerGroup>{LayerGroup{"venv", {}, std::move(relocated.entries)}});
  }
  stage.checks_to_run = std::make_shared<VenvStageChecks>(VenvStageChecks{
      std::move(relocated), std::move(venv_layers), std::move(system_distributions), key, std::move(collected)});
  return stage;
}

void finish_venv_stage(VenvStage& stage, const VenvStageInputs& in, const VenvStageSettings& settings,
                       const FileIndex& base_files, const BlobStore& store, Reporter& reporter) {
  if (!stage.checks_to_run) return;
  const std::shared_ptr<VenvStageChecks> pending = std::move(stage.checks_to_run);
  RelocatedVenv& relocated = pending->relocated;
  std::optional<CollectedInterpreter>& collected = pending->collected;
  const RelocationParams relocation = relocation_params(in, settings);
  // The venv's ELF headers, remembered by stat: read by the interpreter's
  // library closure and the checks, opened again only when they change.
  FileStatMemo elf_memo(cache_record_path(store.root(), "elf-memos", sha256_of(in.venv.root.string())), k_elf_memo);
  if (elf_memo.was_damaged()) reporter.warning(elf_memo.damage_warning());
  std::vector<std::string> venv_elf_files;
  const std::vector<const std::vector<LayerEntry>*> venv_layers = entries_of(*pending->venv_layers);
  if (settings.host_interpreter) venv_elf_files = elf_files_of(venv_layers, elf_memo);
  if (in.pip) stage.pip_entries = pip_layer_entries(*in.pip, in.venv, relocation, stage.walk_warnings);

  if (settings.host_interpreter) {
    if (!collected) reporter.step("Collecting the venv's interpreter " + in.interpreter);
    if (!collected || collected->venv_elf_files != venv_elf_files) {
      collected = collect_interpreter(in, venv_elf_files, store);
    }
    report_interpreter(*collected, reporter);
    if (stage.shared_key) {
      stage.shared_interpreter_key = interpreter_content_key(collected->interpreter.entries, file_digests(settings));
      stage.shared_interpreter_collection = shared_collection(*collected, settings);
    }
    stage.host = std::move(collected->interpreter);
  }
  CompatReport report = check(in, base_files, stage, venv_layers, pending->system_distributions, elf_memo);
  elf_memo.save();
  stage.outcome = {std::move(relocated.warnings), std::move(venv_elf_files),
                   collected ? collected->key : std::string(), std::move(report), {}, std::nullopt};
  if (pending->key && pending->key->settled && !relocated.looked_outside) stage.record_key = pending->key->digest;
  if (relocated.looked_outside) stage.shared_key.reset();
}

VenvStageRecord shared_outcome(const VenvStage& stage) {
  VenvStageRecord outcome = stage.outcome;
  outcome.interpreter_layer_key = stage.shared_interpreter_key;
  outcome.interpreter_collection = stage.shared_interpreter_collection;
  return outcome;
}

namespace {

// The venv relocated again once the layers' text scan found `lost_on` (and
// maybe more) to be a file relocation acts on: the memo now says which, so
// relocation reads those first and bets on nothing; its layers are written.
VenvLayersWritten relocate_again(VenvStage& stage, const VenvStageInputs& in, const VenvStageSettings& settings,
                                 const BlobStore& store, Reporter& reporter, const std::string& lost_on) {
  reporter.detail("venv: " + lost_on + " names a folder the image moves; relocating again with such files read first");
  WalkedTree tree = walk_venv(in, settings);
  std::vector<std::string> walk_warnings;
  const bool venv_changed = walked_entries_key(tree, walk_warnings).digest != stage.walked_key;
  RelocatedVenv relocated = relocate_walked_venv(in.venv, tree.entries(nullptr), relocation_params(in, settings),
                                                 store, false);
  // Recorded and shared under the first walk's keys only if the venv is still
  // what that walk saw, and nothing outside it was read.
  if (venv_changed || relocated.looked_outside) {
    stage.record_key.reset();
    stage.shared_key.reset();
  }
  stage.outcome.relocation_warnings = std::move(relocated.warnings);
  auto groups = std::make_shared<const std::vector<LayerGroup>>(
      split_venv_layers(std::move(relocated.entries), settings.venv_path, settings.max_layers));
  VenvLayersJob job(std::move(groups), settings.layer_options, store);
  return job.wait("venv layers", reporter);
}

}  // namespace

VenvLayersWritten finish_venv_layers(VenvStage& stage, const VenvStageInputs& in, const VenvStageSettings& settings,
                                     const BlobStore& store, Reporter& reporter) {
  if (!stage.layers_job) return {stage.outcome.layers, std::vector<bool>(stage.outcome.layers.size(), true)};
  VenvLayersWritten written = stage.layers_job->wait("venv layers", reporter);
  if (const std::shared_ptr<DeferredTextScan> scan = std::move(stage.deferred_text_scan)) {
    scan->save_memo();
    if (const std::optional<std::string> lost_on = scan->lost_on()) {
      written = relocate_again(stage, in, settings, store, reporter, *lost_on);
    }
  }
  stage.outcome.layers = written.layers;
  if (stage.record_key) record_venv_stage(*stage.record_key, stage.outcome, store);
  return written;
}

}  // namespace venv2docker
