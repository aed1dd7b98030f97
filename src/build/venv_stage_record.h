// The outcome of a build's venv stage (relocation, the compatibility checks,
// the split into per-package layers) kept as a cache record
// (store/cache_record.h) under a key of everything that decides it: the
// walk's entries with their lstat, the venv's settings and destinations, the
// image below the venv, what the venv imports from the host's system
// site-packages, and the layer options. A rebuild whose walk finds nothing
// changed then skips all three, most of a no-change rebuild. Like the
// layer cache it never reads a file's bytes to decide, and a record whose
// layers are no longer all in the store is a miss.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compat/compat_check.h"
#include "compat/system_site_packages.h"
#include "image/image.h"
#include "layer/file_digests.h"
#include "layer/layer_cache.h"
#include "relocate/relocate.h"
#include "store/blob_store.h"
#include "tar/layer_entry.h"
#include "venv/venv.h"
#include "walk/tree_walk.h"

namespace venv2docker {

struct VenvStageKeyInputs {
  const Venv* venv = nullptr;
  /// walked_entries_key of the venv's walk, for venv_stage_key.
  const CacheKey* walked_key = nullptr;
  /// The venv's walked entries, for venv_stage_content_key only.
  const std::vector<LayerEntry>* walked = nullptr;
  const RelocationParams* relocation = nullptr;
  const BaseImage* base = nullptr;
  /// The --apt layer between the base and the venv, by what decides its
  /// files (AptLayerPlan::files_key): known before any package is fetched.
  std::optional<Digest> layer_below;
  /// What the venv imports from the host's system site-packages (may be null):
  /// outside the walk, yet the checks depend on it.
  const std::vector<SystemDistribution>* system_distributions = nullptr;
  bool python_from_host = false;
  unsigned max_layers = 0;
  LayerOptions layer_options;
};

/// The walked entries' share of venv_stage_key, made on their first visit
/// (which reports the walk's warnings to `warnings`): their paths, kinds,
/// modes, link targets and sources with the walk's lstat, as add_entry_key
/// adds them, without ever holding them.
CacheKey walked_entries_key(const WalkedTree& walked, std::vector<std::string>& warnings);

/// The record's key (settled as the layer cache decides it).
CacheKey venv_stage_key(const VenvStageKeyInputs& inputs);

/// The key of the same inputs by content (the walk's files' bytes, as
/// content_layer_key hashes them, not their lstat): equal on every machine
/// with the same venv at the same path, so a registry cache record can hold
/// the outcome (build/registry_cache.h). Reads every file; nullopt when one
/// cannot be read.
std::optional<Digest> venv_stage_content_key(const VenvStageKeyInputs& inputs);

/// A key of the --python-from host interpreter layer, which is collected after
/// the lookup yet seen by the checks: compared with the record's own.
std::string interpreter_layer_key(const std::vector<LayerEntry>& entries);

/// interpreter_layer_key() by content: what a record shared between machines
/// holds, as their interpreters' files differ in lstat. Hashes through
/// `digests` (may be null), as the interpreter layer's content key does.
std::string interpreter_content_key(const std::vector<LayerEntry>& entries, FileDigests* digests);

struct VenvStageLayer {
  std::string name;  // the group's name, as split_venv_layers gave it
  Layer layer;
};

struct VenvStageRecord {
  std::vector<std::string> relocation_warnings;
  /// The venv's ELF files (host paths), which the interpreter collection reads.
  std::vector<std::string> venv_elf_files;
  /// interpreter_layer_key() of the layer the checks saw; empty without one.
  std::string interpreter_layer_key;
  /// The checks' report, before relocation warnings and --apt suggestions are added.
  CompatReport report;
  std::vector<VenvStageLayer> layers;
  /// --python-from host's collection by content
  /// (compat/host_interpreter_content.h), in stages shared through a
  /// registry: a fresh runner verifies it instead of collecting again.
  std::optional<nlohmann::json> interpreter_collection;
};

/// The record `json` (venv_stage_json's), when it is of that shape and
/// `usable` accepts each of its layers; nullopt otherwise.
std::optional<VenvStageRecord> venv_stage_from_json(const nlohmann::json& json,
                                                    const std::function<bool(const Layer&)>& usable);
nlohmann::json venv_stage_json(const VenvStageRecord& record);

/// The record under `key` when it is readable and every layer's blob is in the
/// store with its recorded size; nullopt otherwise (never an error).
std::optional<VenvStageRecord> find_venv_stage(const Digest& key, const BlobStore& store);

/// Records `record` (whose layers must be committed to the store) under
/// `key`; a cache that refuses the record is ignored.
void record_venv_stage(const Digest& key, const VenvStageRecord& record, const BlobStore& store);

}  // namespace venv2docker
