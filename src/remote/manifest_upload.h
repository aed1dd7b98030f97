// The last step of every push: a manifest or index document PUT under a tag
// or its digest, with its exact media type, and the digest the registry says
// it stored checked against ours.
#pragma once

#include <string>

#include "image/reference.h"
#include "remote/registry_session.h"
#include "store/digest.h"

namespace venv2docker {

/// PUTs `raw` (whose digest is `digest`) to `destination`'s repository under
/// `target` (a tag, or the digest itself), as `media_type`. `where` names the
/// image in errors. Returns the registry's answer (its `OCI-Subject` header
/// says whether it indexed a referrer's subject). Throws Error when the
/// registry refuses it or says it stored other bytes.
HttpResponse put_manifest(RegistrySession& session, const Reference& destination, const std::string& target,
                  const std::string& raw, const std::string& media_type, const Digest& digest,
                  const std::string& where);

}  // namespace venv2docker
