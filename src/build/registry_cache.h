// --cache-from REF and --cache-to REF: the registry as the cache a fleet of
// CI runners shares (docs/registry-cache.md). A record (an OCI artifact)
// maps layers' content keys to the layers a runner pushed, and base layers'
// digests to their listings; a runner with an empty cache that reads it
// compresses no layer it names and downloads no base layer it lists, when
// its outputs need no bytes here: pushes to the record's registry, or --check.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "build/registry_cache_record.h"
#include "build/venv_stage_record.h"
#include "debian/shared_plans.h"
#include "image/base_image.h"
#include "image/image.h"
#include "image/reference.h"
#include "layer/shared_layers.h"
#include "remote/registry_options.h"
#include "remote/registry_push.h"
#include "store/blob_store.h"
#include "util/reporter.h"

namespace venv2docker {

struct RegistryCacheSettings {
  const std::vector<std::string>& from;      // --cache-from, in order
  const std::optional<std::string>& to;      // --cache-to
  const std::vector<std::string>& destinations;  // output_destinations()
  bool load = false;                          // --load
  bool check_only = false;                    // --check
};

class RegistryCache {
 public:
  /// Reads every --cache-from record. A missing, foreign or damaged one (or
  /// an unreachable registry) is a warning and is not used: the build runs as
  /// without it. Throws UsageError for a REF that is no reference.
  RegistryCache(const RegistryCacheSettings& settings, const RegistryOptions& registry, const BlobStore& store,
                Reporter& reporter);

  /// For LayerOptions::shared; null without --cache-from and --cache-to.
  SharedLayers* shared() { return m_shared.get(); }

  /// Whether records are read or one is written: then the venv stage's
  /// content key (which reads every file) and the apt answers are worth
  /// their cost.
  bool in_use() const { return m_shared != nullptr; }
  /// Whether --cache-to writes a record.
  bool writes_record() const { return m_settings.to.has_value(); }

  /// The venv stage's outcome a record holds under `key`, when the outputs
  /// need no bytes here (as for layers: pushes to the record's registry, or
  /// --check) and every layer it names is one the record's artifact holds
  /// with that digest, size and diff_id; nullopt otherwise.
  std::optional<VenvStageRecord> find_stage(const Digest& key) const;

  /// For --cache-to: the outcome of this build's venv stage under `key`
  /// (its interpreter key by content).
  void learn_stage(const Digest& key, const VenvStageRecord& stage);

  /// The apt suggestions' answers (build/apt_suggestions.h) a record holds
  /// under `key` (AptArchives::answers_key), any record's; nullopt otherwise.
  std::optional<nlohmann::json> find_apt_answers(const Digest& key) const;

  /// For --cache-to: this build's apt suggestions' answers under `key`.
  void learn_apt_answers(const Digest& key, const nlohmann::json& answers);

  /// The --apt plan a record holds under `key` (debian::install_plan_key),
  /// the first record's that has one; nullopt otherwise. The caller checks it.
  std::optional<debian::SharedPlan> find_apt_plan(const Digest& key) const;

  /// For --cache-to: this build's --apt plan under `key`.
  void learn_apt_plan(const Digest& key, const nlohmann::json& plan);

  /// find_apt_plan and learn_apt_plan, for AptArchives, when in_use().
  std::optional<debian::SharedPlans> apt_plans();

  /// Which layers of the base `base_ref` need not be downloaded: those a
  /// record listed, when the outputs need no base bytes here (pushes that can
  /// mount them from the base's repository, or --check).
  std::function<bool(const Digest&)> base_layer_skip(const std::string& base_ref) const;

  /// The records' repositories with the layers they hold, to mount from.
  std::vector<MountSource> mount_sources() const;

  /// --cache-to: pushes the record of `image` (built on `base`; every layer
  /// this build made or found by content key, and the base's listings)
  /// with its layers, mounted from `mount_from` where they are not in the
  /// store. A failure is a warning: the image is already written.
  void write(const Image& image, const BaseImage& base, const std::vector<MountSource>& mount_from);

 private:
  struct ReadRecord {
    Reference where;
    CacheRecord record;
    std::vector<Digest> blobs;  // the artifact's layers
    Descriptor blob;            // the record's own blob, in the store
    Digest body;                // of cache_record_body(record)
  };
  std::optional<ReadRecord> read(const std::string& ref);
  Descriptor record_blob(const CacheRecord& record) const;

  const RegistryCacheSettings m_settings;  // its references are to the caller's options
  const RegistryOptions& m_registry;
  const BlobStore& m_store;
  Reporter& m_reporter;
  std::optional<std::string> m_pushed_registry;  // set when every output is a push to it
  std::vector<ReadRecord> m_records;
  std::unique_ptr<SharedLayers> m_shared;
  std::optional<std::pair<Digest, nlohmann::json>> m_learned_stage;
  std::optional<std::pair<Digest, nlohmann::json>> m_learned_apt;
  std::optional<std::pair<Digest, nlohmann::json>> m_learned_plan;
};

}  // namespace venv2docker
