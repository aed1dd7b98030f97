// The venv stage: the venv walked and relocated to its image path, the
// --python-from host interpreter collected, --pip's staged files relocated,
// and the compatibility checks run over everything the image will hold. A
// venv unchanged since a recorded build gets that build's outcome instead
// (build/venv_stage_record.h). Once relocated, the venv's layers are written
// on a thread of their own (build/venv_layers_job.h) while the rest runs.
// The stage runs in two halves: begin_venv_stage needs nothing of the base's
// files, so it runs while they are still being read (build/base_files_job.h);
// finish_venv_stage runs the checks once they are.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "build/registry_cache.h"
#include "build/venv_layers_job.h"
#include "build/venv_stage_record.h"
#include "compat/host_python.h"
#include "debian/apt_archives.h"
#include "image/base_image.h"
#include "layer/file_index.h"
#include "layer/layer_writer.h"
#include "pip/pip_layer.h"
#include "relocate/deferred_text_scan.h"
#include "store/blob_store.h"
#include "tar/layer_entry.h"
#include "util/reporter.h"
#include "venv/venv.h"

namespace venv2docker {

/// What the image holds besides the venv, and how it runs the venv.
struct VenvStageInputs {
  const Venv& venv;
  const std::optional<std::filesystem::path>& project;
  const BaseImage& base;
  const std::optional<AptLayerPlan>& apt_plan;  // --apt's layer, below the venv, as planned
  /// Its files, for the checks: unpacked before finish_venv_stage.
  const std::optional<AptLayerContents>& apt;
  const std::optional<PipStaging>& pip;        // --pip's staged requirements
  const std::string& interpreter;              // the interpreter's path in the image
  const std::string& interpreter_release;      // its release ("3.11.2"), empty when unknown
};

struct VenvStageSettings {
  std::string venv_path;     // where the venv goes in the image
  std::string project_path;  // where the project goes
  const std::vector<std::string>& excludes;  // --exclude
  bool host_interpreter = false;             // --python-from host
  unsigned max_layers = 0;
  LayerOptions layer_options;
  bool write_layers = true;  // false for --check: no layer is written
  /// --cache-from/--cache-to: outcomes shared by content key (may be null).
  RegistryCache* registry_cache = nullptr;
};

// What the second half still has to do (venv_stage.cpp).
struct VenvStageChecks;

struct VenvStage {
  /// What the walks of the venv and of --pip's staging reported.
  std::vector<std::string> walk_warnings;
  /// --pip's files, relocated (empty without --pip).
  std::vector<LayerEntry> pip_entries;
  /// --python-from host: the interpreter's layer entries.
  std::optional<HostInterpreter> host;
  /// Relocation warnings, the venv's ELF files, the checks' report and (once
  /// written, or when recorded) the venv's layers.
  VenvStageRecord outcome;
  /// The text scan the job runs as it writes (relocate/deferred_text_scan.h),
  /// and the key of the walk it bet on; null when relocation read every file.
  std::shared_ptr<DeferredTextScan> deferred_text_scan;
  std::optional<Digest> walked_key;
  /// Writing the venv's layers; null when they were recorded, or for --check.
  std::unique_ptr<VenvLayersJob> layers_job;
  /// Where the outcome is recorded once the job has written the layers:
  /// nowhere when a file changed moments ago or relocation read outside the
  /// venv, since those may change again unseen.
  std::optional<Digest> record_key;
  /// venv_stage_content_key(), when the registry cache shares stages and
  /// the outcome may be shared (relocation read nothing outside the venv).
  std::optional<Digest> shared_key;
  /// interpreter_content_key() of the --python-from host layer, with shared_key.
  std::string shared_interpreter_key;
  /// host_interpreter_content() of its collection, with shared_key.
  std::optional<nlohmann::json> shared_interpreter_collection;
  /// Between the halves: the relocated venv and what the checks still need;
  /// null once finished, or when the outcome was recorded.
  std::shared_ptr<VenvStageChecks> checks_to_run;
  /// The outcome is a recorded one. Its key holds the base's manifest and the
  /// interpreter and release relocation used, and a stage is recorded only
  /// once the base's files confirmed both and the checks ran on them: nothing
  /// of the base's files is needed again.
  bool recorded = false;
};

/// The first half (see above): the walk, the recorded outcome if any, else
/// relocation and the start of the venv's layers. Throws Error from the walk,
/// relocation or the interpreter's collection.
VenvStage begin_venv_stage(const VenvStageInputs& inputs, const VenvStageSettings& settings, const BlobStore& store,
                           Reporter& reporter);

/// The second half: --pip's files, the interpreter's collection and the
/// checks against `base_files`, unless the outcome was recorded. `inputs`
/// and `settings` are begin_venv_stage's. Throws Error from --pip or the
/// interpreter's collection.
void finish_venv_stage(VenvStage& stage, const VenvStageInputs& inputs, const VenvStageSettings& settings,
                       const FileIndex& base_files, const BlobStore& store, Reporter& reporter);

/// For RegistryCache::learn_stage once the layers are known: the outcome with
/// its interpreter keyed by content.
VenvStageRecord shared_outcome(const VenvStage& stage);

/// The venv's layers: the recorded ones, else those the job writes (its
/// progress drawn meanwhile), then recorded under stage.record_key. When the
/// job's text scan found a file relocation acts on, the venv is walked and
/// relocated again, every such file read first, and its layers written (the
/// unaffected ones come back from the layer cache). `inputs` and `settings`
/// are begin_venv_stage's. Throws Error as begin_venv_stage does.
VenvLayersWritten finish_venv_layers(VenvStage& stage, const VenvStageInputs& inputs,
                                     const VenvStageSettings& settings, const BlobStore& store, Reporter& reporter);

}  // namespace venv2docker
