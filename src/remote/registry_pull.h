// A base image pulled from a registry.
#pragma once

#include <functional>

#include "image/base_image.h"
#include "image/reference.h"
#include "remote/registry_blobs.h"
#include "remote/registry_options.h"
#include "util/reporter.h"

namespace venv2docker {

/// Pulls `reference` into `store`: the manifest (choosing `platform` from
/// an index, see platform_choice.h), the config (checked against `platform`
/// before any layer is fetched) and every layer, each verified by digest and
/// size. Blobs already stored are not downloaded; a reference pinned by
/// digest whose blobs are all stored makes no request. The result's `name`
/// is reference.full(). A layer `skip_layer` says yes to is not downloaded:
/// its caller knows its files and never needs its bytes (a registry cache,
/// build/registry_cache.h); the store then lacks that blob. Each layer's
/// bytes also go to a tap from `layer_taps` as they download. Throws Error
/// naming the registry, the request and the registry's answer, or the
/// platforms there are.
BaseImage pull_image(const Reference& reference, const RegistryOptions& options, const PlatformRequest& platform,
                     const BlobStore& store, Reporter& reporter,
                     const std::function<bool(const Digest&)>& skip_layer = {}, const BlobTaps& layer_taps = {});

}  // namespace venv2docker
