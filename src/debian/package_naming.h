// The Debian package names that Debian's policies give to what a venv or an
// image is missing: a shared library by its soname, a Python distribution by
// its name. Only names: whether a source offers them is the catalog's answer.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace venv2docker::debian {

/// Debian policy 8.1: libfoo.so.3 ships in libfoo3, libfoo2.so.1 in
/// libfoo2-1 (lower case, '_' as '-'). std::nullopt for a name without ".so.".
std::optional<std::string> library_package_name(std::string_view soname);

/// Debian's Python policy names a module's package python3-<module>; the
/// module is usually the distribution's name, or it without a "python-" or
/// "py" prefix or a "-python" suffix ("PyYAML" -> python3-yaml, "dbus-python"
/// -> python3-dbus). Every such name, most likely first: the name as written
/// (lower case, '_' as '-', so "lazr.uri" keeps its dot), then its PEP 503
/// form, then each without those affixes.
std::vector<std::string> python_package_names(std::string_view distribution);

/// Whether `name` is a Debian package name (policy 5.6.1: at least two of
/// a-z, 0-9, "+-.", starting with a letter or digit): what a cache record
/// may name, as the build prints and fetches it.
bool is_debian_package_name(std::string_view name);

}  // namespace venv2docker::debian
