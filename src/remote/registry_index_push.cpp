#include "remote/registry_index_push.h"

#include "image/media_types.h"
#include "remote/manifest_upload.h"
#include "remote/registry_auth.h"
#include "remote/registry_session.h"
#include "util/error.h"

namespace venv2docker {

PushResult push_index(const ImageIndex& index, const Reference& destination, const std::vector<MountSource>& mount_from,
                      const RegistryOptions& options, const BlobStore& store, Reporter& reporter) {
  const Digest digest = index.digest();
  if (destination.digest && *destination.digest != digest) {
    throw Error("cannot push to " + destination.full() + ": the index's digest is " + digest.str());
  }
  PushResult total{destination.name() + ":" + destination.tag_or_latest(), digest};
  if (destination.digest) total.reference = destination.name() + "@" + digest.str();
  for (const Image& image : index.images) {
    Reference by_digest = destination;
    by_digest.tag.reset();
    by_digest.digest = image.manifest_digest();
    const PushResult pushed = push_image(image, by_digest, mount_from, options, store, reporter);
    total.uploaded += pushed.uploaded;
    total.mounted += pushed.mounted;
    total.existing += pushed.existing;
  }
  ScopeSet scopes;
  scopes.add(push_scope(destination.repository));
  const std::string where = destination.familiar();
  RegistrySession session(destination, scopes, options, reporter, "pushing the index " + where);
  const std::string target = destination.digest ? digest.str() : destination.tag_or_latest();
  put_manifest(session, destination, target, index.raw, std::string(media_type::oci_index), digest, where);
  return total;
}

}  // namespace venv2docker
