// Which host folders an editable install may bring into an image. A .pth, a
// direct_url.json or a finder module is data a wheel can ship without running
// any code, so the folder it names is untrusted: copying it whole would put a
// home folder's keys (~/.ssh, ~/.aws, ~/.docker) into an image that may be
// pushed to a public registry. Only a Python project is copied.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace venv2docker {

/// Why the host folder `folder` may not be copied into an image, or nullopt
/// when it may: it is `/`, a home folder ($HOME or the user's home in the
/// password database), inside a dot-folder of one (~/.ssh, ~/.aws, ~/.docker),
/// a folder holding one of `shipped_folders` (the venv, the project), or no
/// Python project (no pyproject.toml, setup.py, setup.cfg or *.egg-info in it).
/// Symbolic links are resolved first, so a link cannot disguise any of these.
std::optional<std::string> why_not_copyable(const std::filesystem::path& folder,
                                            const std::vector<std::filesystem::path>& shipped_folders);

}  // namespace venv2docker
