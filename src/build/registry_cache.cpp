#include "build/registry_cache.h"

#include <algorithm>
#include <set>

#include "build/load_base_image.h"
#include "build/output_targets.h"
#include "layer/layer_listing.h"
#include "remote/registry_artifact.h"
#include "tar/xz_bytes.h"
#include "util/error.h"

namespace venv2docker {

namespace {

Reference cache_reference(const std::string& ref, const char* flag) {
  std::optional<Reference> reference = Reference::parse(ref);
  if (!reference) {
    throw UsageError(std::string(flag) + " \"" + ref + "\" is not an image reference",
                     "name a registry reference, as in registry.example.com/team/app-cache:main");
  }
  return *reference;
}

// The registry every output is pushed to, when all are pushes to one
// registry: then the build needs no layer's bytes here.
std::optional<std::string> only_pushed_registry(const RegistryCacheSettings& settings) {
  if (settings.load || settings.destinations.empty()) return std::nullopt;
  std::optional<std::string> registry;
  for (const auto& destination : settings.destinations) {
    std::optional<Reference> target = registry_destination(destination);
    if (!target || (registry && *registry != target->registry)) return std::nullopt;
    registry = target->registry;
  }
  return registry;
}

bool holds(const std::vector<Digest>& digests, const Digest& digest) {
  return std::find(digests.begin(), digests.end(), digest) != digests.end();
}

}  // namespace

RegistryCache::RegistryCache(const RegistryCacheSettings& settings, const RegistryOptions& registry,
                             const BlobStore& store, Reporter& reporter)
    : m_settings(settings), m_registry(registry), m_store(store), m_reporter(reporter) {
  if (settings.to) cache_reference(*settings.to, "--cache-to");
  if (settings.from.empty() && !settings.to) return;
  m_pushed_registry = only_pushed_registry(settings);
  for (const auto& ref : settings.from) {
    if (std::optional<ReadRecord> record = read(ref)) m_records.push_back(std::move(*record));
  }
  // Layers come from records on the registry the image goes to, where a
  // push finds them (HEAD) or mounts them; other outputs need bytes here, so
  // their layers are written as without a cache.
  m_shared = std::make_unique<SharedLayers>(m_pushed_registry.has_value());
  const ContentSelection contents = base_content_selection();
  for (const ReadRecord& read : m_records) {
    for (const auto& [digest, body] : read.record.listings) adopt_listing_body(digest, body, contents, m_store);
    if (m_pushed_registry != read.where.registry) continue;
    for (const auto& [key, layer] : read.record.layers) m_shared->offer(key, layer);
  }
}

std::optional<RegistryCache::ReadRecord> RegistryCache::read(const std::string& ref) {
  const Reference where = cache_reference(ref, "--cache-from");
  m_reporter.step("Reading the cache record " + where.familiar());
  try {
    const ArtifactKind kind{k_cache_artifact_type, k_cache_record_media_type, k_max_cache_record,
                            "a venv2docker cache record", "name a reference that --cache-to wrote"};
    std::optional<PulledArtifact> artifact = pull_artifact(where, kind, m_registry, m_store, m_reporter);
    if (!artifact) {
      m_reporter.warning("--cache-from " + ref + ": the registry has no cache record there; building without it");
      return std::nullopt;
    }
    CacheRecord record =
        decode_cache_record(m_store.path_of(artifact->wanted), "the cache record of " + where.familiar());
    const Digest body = sha256_of(cache_record_body(record));
    ReadRecord read{where, std::move(record), {},
                    Descriptor{std::string(k_cache_record_media_type), artifact->wanted,
                               m_store.size_of(artifact->wanted), {}, {}},
                    body};
    // A layer the record names must be one the artifact holds, with its size:
    // the registry checked those exist when the record was pushed.
    for (const Descriptor& blob : artifact->blobs) read.blobs.push_back(blob.digest);
    for (const auto& entry : read.record.layers) {
      const Layer& layer = entry.second.layer;  // a named reference: clang 14 cannot capture a structured binding
      const bool listed = std::any_of(artifact->blobs.begin(), artifact->blobs.end(), [&](const Descriptor& blob) {
        return blob.digest == layer.blob.digest && blob.size == layer.blob.size;
      });
      if (!listed) {
        throw Error("the cache record of " + where.familiar() + " names the layer " + layer.blob.digest.str() +
                    ", which its artifact does not hold with that size");
      }
    }
    m_reporter.detail("cache record " + where.familiar() + ": " + std::to_string(read.record.layers.size()) +
                      " layers, " + std::to_string(read.record.listings.size()) + " base layer listings, " + std::to_string(read.record.stages.size()) + " venv stages, " +
                      std::to_string(read.record.apt.size()) + " apt answers, " +
                      std::to_string(read.record.apt_plans.size()) + " apt plans");
    return read;
  } catch (const Error& error) {
    // The record is an optimisation: without it the build is the same, only slower.
    m_reporter.warning("--cache-from " + ref + " is not used: " + error.what());
    return std::nullopt;
  }
}

std::optional<VenvStageRecord> RegistryCache::find_stage(const Digest& key) const {
  for (const ReadRecord& read : m_records) {
    if (!m_settings.check_only && m_pushed_registry != read.where.registry) continue;
    for (const auto& [stage_key, body] : read.record.stages) {
      if (stage_key != key) continue;
      // A layer the stage names must be one the record's artifact holds (see
      // read()), so the push finds it there; anything else is a miss.
      std::optional<VenvStageRecord> stage = venv_stage_from_json(body, [&](const Layer& layer) {
        return std::any_of(read.record.layers.begin(), read.record.layers.end(), [&](const auto& named) {
          const Layer& held = named.second.layer;
          return held.blob.digest == layer.blob.digest && held.blob.size == layer.blob.size &&
                 held.blob.media_type == layer.blob.media_type && held.diff_id == layer.diff_id;
        });
      });
      if (stage) return stage;
    }
  }
  return std::nullopt;
}

std::optional<nlohmann::json> RegistryCache::find_apt_answers(const Digest& key) const {
  for (const ReadRecord& read : m_records) {
    for (const auto& [answers_key, answers] : read.record.apt) {
      if (answers_key == key) return answers;
    }
  }
  return std::nullopt;
}

void RegistryCache::learn_apt_answers(const Digest& key, const nlohmann::json& answers) {
  m_learned_apt.emplace(key, answers);
}

std::optional<debian::SharedPlan> RegistryCache::find_apt_plan(const Digest& key) const {
  for (const ReadRecord& read : m_records) {
    for (const auto& [plan_key, plan] : read.record.apt_plans) {
      if (plan_key == key) return debian::SharedPlan{plan, "the cache record of " + read.where.familiar()};
    }
  }
  return std::nullopt;
}

void RegistryCache::learn_apt_plan(const Digest& key, const nlohmann::json& plan) { m_learned_plan.emplace(key, plan); }

std::optional<debian::SharedPlans> RegistryCache::apt_plans() {
  if (!in_use()) return std::nullopt;
  return debian::SharedPlans{[this](const Digest& key) { return find_apt_plan(key); },
                             [this](const Digest& key, const nlohmann::json& plan) { learn_apt_plan(key, plan); }};
}

void RegistryCache::learn_stage(const Digest& key, const VenvStageRecord& stage) {
  m_learned_stage.emplace(key, venv_stage_json(stage));
}

std::function<bool(const Digest&)> RegistryCache::base_layer_skip(const std::string& base_ref) const {
  if (m_records.empty()) return {};
  const std::optional<Reference> base = base_repository(base_ref);
  // A push that lacks a base layer mounts it from the base's repository,
  // which must be on the registry pushed to; --check reads listings only.
  const bool no_bytes_needed =
      m_settings.check_only || (base && m_pushed_registry && *m_pushed_registry == base->registry);
  if (!no_bytes_needed) return {};
  return [this, contents = base_content_selection()](const Digest& layer) {
    return cached_listing_body(layer, contents, m_store).has_value();
  };
}

std::vector<MountSource> RegistryCache::mount_sources() const {
  std::vector<MountSource> sources;
  for (const ReadRecord& read : m_records) sources.push_back(MountSource{read.where, read.blobs});
  return sources;
}

// A fresh runner that found everything in the record it read writes that
// record again: its blob is reused rather than compressed again (xz is most
// of such a runner's CPU), and the push uploads nothing.
Descriptor RegistryCache::record_blob(const CacheRecord& record) const {
  const std::string body = cache_record_body(record);
  const Digest body_digest = sha256_of(body);
  for (const ReadRecord& read : m_records) {
    if (read.body == body_digest && m_store.has(read.blob.digest)) return read.blob;
  }
  const std::string blob = xz_compressed(body);
  return Descriptor{std::string(k_cache_record_media_type), m_store.put(blob), blob.size(), {}, {}};
}

void RegistryCache::write(const Image& image, const BaseImage& base, const std::vector<MountSource>& mount_from) {
  if (!m_settings.to) return;
  const Reference where = cache_reference(*m_settings.to, "--cache-to");
  m_reporter.step("Writing the cache record " + where.familiar());
  std::vector<Digest> base_layers;
  for (const Layer& layer : base.image.layers) base_layers.push_back(layer.blob.digest);
  std::vector<Digest> new_layers;
  for (const Layer& layer : image.layers) {
    if (!holds(base_layers, layer.blob.digest)) new_layers.push_back(layer.blob.digest);
  }

  CacheRecord record;
  std::set<Digest> keys;
  for (const auto& [key, layer] : m_shared->learned()) {
    if (holds(new_layers, layer.layer.blob.digest) && keys.insert(key).second) record.layers.emplace_back(key, layer);
  }
  // Layers this build took from its local venv stage record were not keyed
  // by content: what the records read said of them carries over.
  for (const ReadRecord& read : m_records) {
    for (const auto& [key, layer] : read.record.layers) {
      if (holds(new_layers, layer.layer.blob.digest) && keys.insert(key).second) record.layers.emplace_back(key, layer);
    }
  }
  // In key order whatever found them, so that a runner that found what the
  // record it read holds writes the same blob (and uploads nothing).
  std::sort(record.layers.begin(), record.layers.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  // The stage's layers are the image's, so they are among record.layers.
  if (m_learned_stage) record.stages.push_back(*m_learned_stage);
  if (m_learned_apt) record.apt.push_back(*m_learned_apt);
  if (m_learned_plan) record.apt_plans.push_back(*m_learned_plan);
  const ContentSelection contents = base_content_selection();
  for (const Digest& layer : base_layers) {
    if (std::optional<nlohmann::json> body = cached_listing_body(layer, contents, m_store)) {
      record.listings.emplace_back(layer, std::move(*body));
    }
  }

  std::vector<Descriptor> blobs{record_blob(record)};
  std::set<Digest> listed;
  for (const auto& [key, shared] : record.layers) {
    if (listed.insert(shared.layer.blob.digest).second) blobs.push_back(shared.layer.blob);
  }
  // The image's layers were just pushed: the record's copies are mounts.
  std::vector<MountSource> sources = mount_from;
  for (const auto& destination : m_settings.destinations) {
    if (std::optional<Reference> pushed = registry_destination(destination)) {
      sources.push_back(MountSource{*pushed, new_layers});
    }
  }
  for (MountSource& source : mount_sources()) sources.push_back(std::move(source));
  try {
    const PushResult pushed = push_artifact(where, k_cache_artifact_type, blobs, sources, m_registry, m_store, m_reporter);
    m_reporter.detail("cache record " + pushed.reference + "@" + pushed.digest.str() + ": " +
                      std::to_string(record.layers.size()) + " layers, " + std::to_string(record.listings.size()) +
                      " base layer listings, " + std::to_string(record.stages.size()) + " venv stages, " +
                      std::to_string(record.apt.size()) + " apt answers, " +
                      std::to_string(record.apt_plans.size()) + " apt plans, " +
                      std::to_string(blobs.front().size) + " bytes");
  } catch (const Error& error) {
    m_reporter.warning("--cache-to " + *m_settings.to + ": the cache record was not written: " + error.what());
  }
}

}  // namespace venv2docker
