// One relocation step (relocate_venv runs them in order): editable installs
// (.pth, finder MAPPING, .egg-link, direct_url.json): their sources copied into
// the venv and the paths rewritten.
#pragma once

#include "relocate/relocate_context.h"

namespace venv2docker {

void relocate_editable_installs(RelocationContext& context);

}  // namespace venv2docker
