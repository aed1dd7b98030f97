// Moving one blob between a registry and the blob store, verified on the way.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "image/image.h"
#include "remote/registry_session.h"
#include "store/blob_store.h"
#include "util/byte_tap.h"

namespace venv2docker {

/// A new ByteTap for each try at downloading a blob (nullptr: none wanted).
using BlobTaps = std::function<std::unique_ptr<ByteTap>(const Descriptor&)>;

/// Makes sure `blob` is in `store`: GETs /v2/<repository>/blobs/<digest>
/// unless stored, streaming it into the store and checking its size (the
/// download stops at the first byte too many) and digest. Throws Error
/// naming `where`; nothing is stored then. Each try's bytes also go to a tap
/// from `taps`, told verified() once the blob is stored.
void fetch_blob(RegistrySession& session, const std::string& repository, const Descriptor& blob,
                const BlobStore& store, SharedReporter& reporter, const std::string& where,
                const BlobTaps& taps = {});

/// How a blob got to the registry.
enum class BlobPush { existed, mounted, uploaded };

/// Makes sure the registry has `blob` in `repository`: HEAD, else a
/// cross-repository mount from `mount_from` (when not empty), else an
/// upload (one PUT with the body; PATCH chunks when the registry answers 413),
/// restarted from a new upload session on transient failures.
BlobPush push_blob(RegistrySession& session, const std::string& repository, const std::string& mount_from,
                   const Descriptor& blob, const BlobStore& store, SharedReporter& reporter, unsigned attempts);

}  // namespace venv2docker
