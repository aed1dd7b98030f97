// One relocation step (relocate_venv runs them in order): RECORD hashes and
// sizes updated for every file the steps before rewrote, added or removed.
#pragma once

#include "relocate/relocate_context.h"

namespace venv2docker {

void update_wheel_records(RelocationContext& context);

}  // namespace venv2docker
