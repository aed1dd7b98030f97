// One relocation step (relocate_venv runs them in order): pyvenv.cfg's `home`
// and the bin/python* links, pointed at the image's interpreter.
#pragma once

#include "relocate/relocate_context.h"

namespace venv2docker {

void relocate_pyvenv_cfg(RelocationContext& context);
void relocate_interpreter_links(RelocationContext& context);

}  // namespace venv2docker
