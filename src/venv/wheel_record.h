// A wheel's installed-files list, <dist>.dist-info/RECORD (PEP 376/627): CSV
// lines "path,sha256=<urlsafe base64, no padding>,size", paths relative to
// site-packages. pip checks nothing at run time, but `pip uninstall`, `pip
// check`-style tools and SBOM scanners read the hashes, so edited files get
// new ones.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace venv2docker {

/// "sha256=<urlsafe base64 of the SHA-256, without '=' padding>".
std::string record_hash(std::string_view bytes);

/// Rewrites the hash and size of each line whose path `new_content` knows
/// (it returns the file's new bytes, or nullopt for unchanged files). Returns
/// the new RECORD text, or nullopt when no line changed.
std::optional<std::string> update_record(
    std::string_view record, const std::function<std::optional<std::string>(const std::string& path)>& new_content);

/// The path (first field) of every non-empty line, as written: relative to
/// site-packages, possibly "../../../bin/tool".
std::vector<std::string> record_paths(std::string_view record);

/// The path a line of a RECORD in `site` (its site-packages folder, no
/// trailing slash) names, lexically normal: a line is relative to `site`
/// ("../../../bin/tool"), or absolute (Poetry's editable installs).
std::string record_listed_path(const std::string& site, const std::string& listed);

/// record_paths() one at a time, none of them kept: a distribution's RECORD
/// may list hundreds of thousands of files.
void for_each_record_path(std::string_view record, const std::function<void(const std::string& path)>& visit);

}  // namespace venv2docker
