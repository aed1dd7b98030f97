// What the image is called: -n and -t as docker, crane and ko take them, each
// either a plain name or tag or a full reference (-t registry/app:1.2).
#pragma once

#include <optional>
#include <string>

#include "image/reference.h"

namespace venv2docker {

/// The image's reference from --name and --tag, either of which may be a full
/// reference: -n registry/app:1.2, or -t registry/app:1.2 as docker build -t
/// has it (a --tag holding '/' or ':' is a reference, since a tag holds
/// neither). What they leave open comes from `default_name` and
/// `default_tag`. Throws UsageError naming the flag when a value is not a
/// valid reference, holds a digest, or when the two flags give different
/// names or tags.
Reference image_name(const std::optional<std::string>& name, const std::optional<std::string>& tag,
                     const std::string& default_name, const std::string& default_tag);

}  // namespace venv2docker
