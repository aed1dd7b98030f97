// Venvs that see the system site-packages: the folders `site` adds, what the
// venv imports from the host's, what the image lacks, and the Debian package
// names suggested for it.
#include <catch2/catch.hpp>

#include <set>

#include "compat/system_site_packages.h"
#include "debian/package_naming.h"
#include "temp_dir.h"
#include "util/text_util.h"
#include "venv/installed_distributions.h"
#include "venv_fixture.h"

using namespace venv2docker;
using namespace venv2docker::test;
namespace fs = std::filesystem;

namespace {

// A Python installation at `prefix` (just its os.py landmark) and a venv made
// from it, with the given pyvenv.cfg setting and own distributions.
Venv venv_of(const TempDir& dir, const std::string& include_system, const std::vector<std::string>& own) {
  const fs::path prefix = dir / "python";
  fs::create_directories(prefix / "bin");
  write_file(prefix / "lib/python3.11/os.py", "");
  const fs::path root = dir / "venv";
  fs::create_directories(root / "lib/python3.11/site-packages");
  write_file(root / "pyvenv.cfg", "home = " + (prefix / "bin").string() +
                                      "\ninclude-system-site-packages = " + include_system + "\nversion = 3.11.2\n");
  for (const auto& name : own) fs::create_directories(root / "lib/python3.11/site-packages" / name);
  return open_venv(root);
}

void add_metadata(const fs::path& folder, const std::vector<std::string>& names) {
  for (const auto& name : names) fs::create_directories(folder / name);
}

IndexedFile folder() { return IndexedFile{EntryKind::directory, {}, 0, 0755, std::nullopt, std::nullopt}; }
IndexedFile file() { return IndexedFile{EntryKind::regular, {}, 10, 0644, std::nullopt, std::nullopt}; }

std::vector<std::string> names_of(const std::vector<SystemDistribution>& found) {
  std::vector<std::string> names;
  for (const auto& distribution : found) names.push_back(distribution.name + " " + distribution.version);
  return names;
}

}  // namespace

TEST_CASE("metadata folder names give the distribution's name and version", "[system-site]") {
  const auto wheel = distribution_of_metadata("PyYAML-6.0.dist-info");
  REQUIRE(wheel);
  CHECK((wheel->name == "PyYAML" && wheel->version == "6.0"));
  const auto egg = distribution_of_metadata("crit-3.17.1-py3.11.egg-info");
  REQUIRE(egg);
  CHECK((egg->name == "crit" && egg->version == "3.17.1"));
  CHECK_FALSE(distribution_of_metadata("numpy"));
  CHECK_FALSE(distribution_of_metadata("cryptography.egg-info"));  // no version: not a NAME-VERSION entry
  CHECK_FALSE(distribution_of_metadata("_sandbox.pth"));
  // The same distribution under two spellings compares equal.
  CHECK(normalized_distribution_name("PyYAML") == normalized_distribution_name("pyyaml"));
  CHECK(normalized_distribution_name("lazr.restfulclient") == "lazr-restfulclient");
  CHECK(normalized_distribution_name("python_apt") == "python-apt");
}

TEST_CASE("the system site folders are the ones site.py lists for the base prefix", "[system-site]") {
  CHECK(system_site_folders("/usr", "3.11") ==
        std::vector<std::string>{"/usr/lib/python3.11/site-packages", "/usr/local/lib/python3.11/dist-packages",
                                 "/usr/lib/python3/dist-packages", "/usr/lib/python3.11/dist-packages"});
  CHECK(system_site_folders("/usr/local", "3.13t").front() == "/usr/local/lib/python3.13t/site-packages");

  // The host's own venv says the same: its sys.path ends with these folders.
  TempDir dir;
  run(sh_quote(host_python()) + " -m venv --without-pip --system-site-packages " + sh_quote((dir / "v").string()));
  const Venv venv = open_venv(dir / "v");
  REQUIRE(includes_system_site_packages(venv));
  const std::string listed = run(sh_quote((dir / "v/bin/python").string()) +
                                 " -c 'import site; print(\"\\n\".join(site.getsitepackages()))'");
  std::vector<std::string> outside;  // the folders of the base prefix, not the venv's own
  for (const auto& folder : split_nonempty(listed, '\n')) {
    if (!folder.starts_with(venv.root.string() + "/")) outside.push_back(folder);
  }
  const auto ours = system_site_folders(host_base_prefix(venv).string(), venv.python_tag());
  // Upstream CPython lists the first of ours; Debian's python all four.
  if (host_base_prefix(venv) == "/usr" && fs::exists("/usr/lib/python3/dist-packages")) {
    CHECK(outside == ours);
  } else {
    CHECK(outside == std::vector<std::string>{ours.front()});
  }
}

TEST_CASE("a real host venv's system distributions are those Python's importlib.metadata finds", "[system-site]") {
  TempDir dir;
  run(sh_quote(host_python()) + " -m venv --without-pip --system-site-packages " + sh_quote((dir / "v").string()));
  // Python's own answer: every distribution on sys.path outside the venv,
  // the first of each (PEP 503) name.
  const std::string probe =
      "import re, sys, importlib.metadata as m\n"
      "seen, names = set(), []\n"
      "for d in m.distributions():\n"
      "    n = re.sub(r'[-_.]+', '-', d.metadata['Name']).lower()\n"
      "    if n not in seen and not str(d.locate_file('')).startswith(sys.prefix + '/'): names.append(n)\n"
      "    seen.add(n)\n"
      "print('\\n'.join(names))\n";
  write_file(dir / "probe.py", probe);
  const auto listed = split_nonempty(run(sh_quote((dir / "v/bin/python").string()) + " " + sh_quote((dir / "probe.py").string())), '\n');
  const std::set<std::string> from_python(listed.begin(), listed.end());
  std::set<std::string> ours;
  for (const auto& distribution : host_system_distributions(open_venv(dir / "v"))) {
    ours.insert(normalized_distribution_name(distribution.name));
  }
  CHECK(ours == from_python);
}

TEST_CASE("the venv's system distributions: first folder wins, its own shadow them", "[system-site]") {
  TempDir dir;
  const Venv venv = venv_of(dir, "True", {"pyyaml-6.0.1.dist-info", "pip-23.0.1.dist-info"});
  CHECK(host_base_prefix(venv) == dir / "python");
  const fs::path prefix = dir / "python";
  add_metadata(prefix / "local/lib/python3.11/dist-packages", {"six-1.17.0.dist-info", "extra-1.0.dist-info"});
  add_metadata(prefix / "lib/python3/dist-packages",
               {"numpy-1.24.2.egg-info", "PyYAML-6.0.dist-info", "Six-1.16.0.egg-info", "pip-23.0.1.dist-info", "numpy"});
  const auto found = host_system_distributions(venv);
  CHECK(names_of(found) == std::vector<std::string>{"extra 1.0", "six 1.17.0", "numpy 1.24.2"});
  CHECK(found.back().folder == (prefix / "lib/python3/dist-packages").string());

  TempDir other;
  CHECK(host_system_distributions(venv_of(other, "false", {})).empty());
}

TEST_CASE("the finding lists what the image's site-packages folders lack", "[system-site]") {
  TempDir dir;
  const Venv venv = venv_of(dir, "true", {});
  const std::vector<SystemDistribution> host = {{"numpy", "1.24.2", "/usr/lib/python3/dist-packages"},
                                                {"PyYAML", "6.0", "/usr/lib/python3/dist-packages"},
                                                {"extra", "1.0", "/usr/local/lib/python3.11/dist-packages"}};
  FileIndex image;
  image.apply("usr/bin/python3.11", file(), 0);
  image.apply("usr/lib/python3.11/os.py", file(), 0);
  image.apply("usr/lib/python3/dist-packages/", folder(), 0);
  // Another spelling of the same name, in a folder the image's Python reads...
  image.apply("usr/lib/python3/dist-packages/pyyaml-5.4.dist-info/METADATA", file(), 1);
  // ...but numpy's only in a nested folder and in one no interpreter reads.
  image.apply("usr/lib/python3/dist-packages/vendor/numpy-1.24.2.egg-info/PKG-INFO", file(), 1);
  image.apply("opt/other/numpy-1.24.2.egg-info/PKG-INFO", file(), 1);

  auto finding = system_site_finding(venv, host, image, "/usr/bin/python3.11");
  REQUIRE(finding);
  CHECK(finding->severity == Severity::error);
  CHECK(finding->check == "system-site-packages");
  CHECK(finding->subject == "numpy extra");
  CHECK(finding->message.find("lacks 2 distributions") != std::string::npos);
  CHECK(finding->message.find("/usr/lib/python3/dist-packages: numpy 1.24.2") != std::string::npos);
  CHECK(finding->message.find("/usr/local/lib/python3.11/dist-packages: extra 1.0") != std::string::npos);
  CHECK(finding->message.find("PyYAML") == std::string::npos);
  CHECK(finding->file == (venv.root / "pyvenv.cfg").string());
  CHECK(finding->fix.find("install numpy==1.24.2 extra==1.0") != std::string::npos);

  image.apply("usr/lib/python3/dist-packages/numpy-1.24.2.egg-info/PKG-INFO", file(), 2);
  image.apply("usr/local/lib/python3.11/dist-packages/Extra-1.0.dist-info/METADATA", file(), 2);
  CHECK_FALSE(system_site_finding(venv, host, image, "/usr/bin/python3.11"));
  // The official images' Python at /usr/local reads none of Debian's folders.
  CHECK(system_site_finding(venv, host, image, "/usr/local/bin/python3.11"));
}

TEST_CASE("Debian package names for libraries and Python distributions", "[system-site]") {
  using debian::library_package_name;
  using debian::python_package_names;
  CHECK(library_package_name("libblas.so.3") == "libblas3");
  CHECK(library_package_name("libfoo2.so.1") == "libfoo2-1");
  CHECK(library_package_name("libGL_x.so.1") == "libgl-x1");
  CHECK_FALSE(library_package_name("libc.musl-x86_64.so"));
  CHECK(python_package_names("numpy").front() == "python3-numpy");
  CHECK(python_package_names("numpy").size() == 1);
  auto has = [](const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  CHECK(has(python_package_names("PyYAML"), "python3-yaml"));
  CHECK(python_package_names("PyYAML").front() == "python3-pyyaml");
  CHECK(has(python_package_names("python_apt"), "python3-apt"));
  CHECK(has(python_package_names("dbus-python"), "python3-dbus"));
  CHECK(python_package_names("lazr.uri") == std::vector<std::string>{"python3-lazr.uri", "python3-lazr-uri"});
  CHECK_FALSE(has(python_package_names("python-apt"), "python3-thon-apt"));
}
