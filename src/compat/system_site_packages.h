// A venv made with --system-site-packages (pyvenv.cfg
// `include-system-site-packages = true`) also imports from its interpreter's
// own site-packages folders. At build time those are the host's; in the
// image they are the image's. This lists what the venv finds in the host's
// and which of it the image's interpreter lacks (docs/system-site-packages.md).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "compat/compat_check.h"
#include "layer/file_index.h"
#include "venv/venv.h"

namespace venv2docker {

struct SystemDistribution {
  std::string name;     // as its metadata folder spells it ("PyYAML")
  std::string version;
  std::string folder;   // the folder holding it ("/usr/lib/python3/dist-packages")
};

/// True when pyvenv.cfg says `include-system-site-packages = true`, in any
/// letter case, as site.py reads it.
bool includes_system_site_packages(const Venv& venv);

/// The site-packages folders `site` puts on sys.path, in its order, for a
/// venv whose interpreter is installed at `prefix` ("/usr"), Python
/// `python_tag` ("3.11"): upstream CPython's <prefix>/lib/python3.X/site-packages,
/// then the three Debian's python adds (/usr/local/lib/python3.X/dist-packages,
/// /usr/lib/python3/dist-packages, /usr/lib/python3.X/dist-packages for /usr).
/// Folders a build does not use simply do not exist, so one list serves both.
std::vector<std::string> system_site_folders(const std::string& prefix, const std::string& python_tag);

/// The prefix of the interpreter that made the venv (its sys.base_prefix):
/// the first folder up from pyvenv.cfg's `home` that holds lib/python3.X/os.py,
/// as Python's getpath finds it; `home`'s parent when none does.
std::filesystem::path host_base_prefix(const Venv& venv);

/// What the venv imports from the host's system site-packages: nothing unless
/// includes_system_site_packages(venv). A name found in two folders is the
/// first one's (sys.path order); a name the venv's own site-packages holds is
/// left out, as the venv's copy shadows it. Names compare in PEP 503 form.
/// Unreadable folders hold nothing.
std::vector<SystemDistribution> host_system_distributions(const Venv& venv);

/// The `system-site-packages` error for the distributions of `host` that the
/// image (`image_files`: the base and the layers added below the venv) does
/// not hold in a site-packages folder of its interpreter `interpreter`
/// ("/usr/bin/python3.11"); std::nullopt when it holds them all. The finding
/// lists each one, and its subject is their names, space-separated.
std::optional<Finding> system_site_finding(const Venv& venv, const std::vector<SystemDistribution>& host,
                                           const FileIndex& image_files, const std::string& interpreter);

}  // namespace venv2docker
