// One relocation step (relocate_venv runs them in order): console-script
// shebangs (both forms pip writes) and the activate scripts, pointed at the
// venv's image path.
#pragma once

#include "relocate/relocate_context.h"

namespace venv2docker {

void relocate_console_scripts(RelocationContext& context);
void relocate_activate_scripts(RelocationContext& context);

}  // namespace venv2docker
