// One relocation step (relocate_venv runs them in order), the last: every
// other small text file's old paths rewritten.
#pragma once

#include "relocate/relocate_context.h"

namespace venv2docker {

void relocate_remaining_text(RelocationContext& context);

}  // namespace venv2docker
