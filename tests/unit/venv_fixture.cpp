#include "venv_fixture.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>

#include "temp_dir.h"

namespace venv2docker::test {

namespace fs = std::filesystem;

namespace {

constexpr const char* wheels = "/usr/share/python-wheels";
// Offline and quiet: no index, no cache, no version check.
constexpr const char* pip_flags = "--no-index --no-build-isolation --no-cache-dir --disable-pip-version-check -q";

const fs::path& fixture_root() {
  static const TempDir root;  // removed when the test binary exits
  return root.path();
}

void write_project(const fs::path& dir, const std::string& name, const std::string& script,
                   const std::string& tool_setuptools) {
  write_file(dir / "pyproject.toml",
             "[build-system]\nrequires = [\"setuptools\", \"wheel\"]\nbuild-backend = \"setuptools.build_meta\"\n\n"
             "[project]\nname = \"" + name + "\"\nversion = \"1.0\"\n\n[project.scripts]\n" + name + " = \"" + script +
                 "\"\n" + tool_setuptools);
}

StandardVenv make_standard_venv() {
  const fs::path root = fixture_root() / "standard";
  StandardVenv made{root / "venv", root / "app", root / "hello", root / "edit", root / "legacy"};

  write_project(made.hello, "hello-v2d", "hello.cli:main", "");
  write_file(made.hello / "src/hello/__init__.py", "GREETING = 'hello'\n");
  write_file(made.hello / "src/hello/cli.py", "def main():\n    print('hello from v2d')\n");

  write_project(made.edit, "edit-v2d", "edit_pkg:main", "");
  write_file(made.edit / "src/edit_pkg/__init__.py", "def main():\n    print('edit from v2d')\n");

  // Flat layout with explicit packages, one a PEP 420 namespace: setuptools
  // then writes a finder module with MAPPING and NAMESPACES.
  write_project(made.app, "app-v2d", "app_pkg:main", "\n[tool.setuptools]\npackages = [\"app_pkg\", \"nsp\", \"nsp.sub\"]\n");
  write_file(made.app / "app_pkg/__init__.py", "def main():\n    print('app from v2d')\n");
  write_file(made.app / "nsp/sub/__init__.py", "X = 1\n");

  write_file(made.legacy / "setup.py",
             "from setuptools import setup\n"
             "setup(name='legacy-v2d', version='1.0', package_dir={'': 'src'}, packages=['legacy_pkg'],\n"
             "      entry_points={'console_scripts': ['legacy-v2d=legacy_pkg:main']})\n");
  write_file(made.legacy / "src/legacy_pkg/__init__.py", "def main():\n    print('legacy from v2d')\n");

  const std::string pip = sh_quote((made.venv / "bin/pip").string());
  run(sh_quote(host_python()) + " -m venv " + sh_quote(made.venv.string()));
  if (!fs::exists(fs::path(wheels))) {
    throw std::runtime_error(std::string(wheels) + " is missing: apt-get install python3-pip-whl python3-wheel-whl");
  }
  run(pip + " install " + pip_flags + " --find-links " + wheels + " wheel");
  run(pip + " install " + pip_flags + " " + sh_quote(made.hello.string()) + " -e " + sh_quote(made.edit.string()) +
      " -e " + sh_quote(made.app.string()));
  // --no-use-pep517 makes pip run `setup.py develop`: the pre-PEP 660 kind.
  run("cd " + sh_quote(root.string()) + " && " + pip + " install " + pip_flags + " --no-use-pep517 -e ./legacy");
  return made;
}

fs::path make_spaced_copies_venv() {
  const fs::path venv = fixture_root() / "with space/venv";
  run(sh_quote(host_python()) + " -m venv --copies --without-pip " + sh_quote(venv.string()));
  // The venv has no pip of its own: borrow the standard venv's, and keep it
  // from touching that venv's packages.
  const StandardVenv& standard = standard_venv();
  run("PYTHONPATH=$(echo " + sh_quote((standard.venv / "lib").string()) + "/python3*/site-packages) " +
      sh_quote((venv / "bin/python").string()) + " -m pip install " + pip_flags + " --ignore-installed " +
      sh_quote(standard.hello.string()));
  return venv;
}

}  // namespace

std::string host_python() {
  const char* configured = std::getenv("V2D_HOST_PYTHON");
  return configured && *configured ? configured : "/usr/bin/python3";
}

std::string host_python_binary() { return fs::canonical(host_python()).string(); }

std::string run(const std::string& command) {
  FILE* pipe = ::popen(("(" + command + ") 2>&1").c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run: " + command);
  std::string output;
  char buffer[4096];
  while (std::size_t got = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, got);
  const int status = ::pclose(pipe);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("command failed: " + command + "\n" + output);
  }
  return output;
}

std::string sh_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_file(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

std::string python_record_hash(const std::string& bytes) {
  const fs::path file = fixture_root() / "hash-input";
  write_file(file, bytes);
  std::string hash = run(sh_quote(host_python()) +
                         " -c 'import base64, hashlib, sys; "
                         "d = hashlib.sha256(open(sys.argv[1], \"rb\").read()).digest(); "
                         "print(\"sha256=\" + base64.urlsafe_b64encode(d).decode().rstrip(\"=\"))' " +
                         sh_quote(file.string()));
  while (!hash.empty() && hash.back() == '\n') hash.pop_back();
  return hash;
}

const StandardVenv& standard_venv() {
  static const StandardVenv venv = make_standard_venv();
  return venv;
}

const fs::path& spaced_copies_venv() {
  static const fs::path venv = make_spaced_copies_venv();
  return venv;
}

const fs::path* virtualenv_venv() {
  static const std::optional<fs::path> venv = []() -> std::optional<fs::path> {
    const fs::path made = fixture_root() / "virtualenv/venv";
    try {
      run(sh_quote(host_python()) + " -m virtualenv --no-seed --no-download " + sh_quote(made.string()));
    } catch (const std::runtime_error&) {
      return std::nullopt;
    }
    return made;
  }();
  return venv ? &*venv : nullptr;
}

void materialize(const std::vector<LayerEntry>& entries) {
  for (const LayerEntry& entry : entries) {
    const fs::path path = entry.path;
    switch (entry.kind) {
      case EntryKind::directory:
        fs::create_directories(path);
        break;
      case EntryKind::symlink:
        fs::create_directories(path.parent_path());
        fs::create_symlink(entry.link_target, path);
        break;
      case EntryKind::regular: {
        fs::create_directories(path.parent_path());
        // Unchanged files are hard links (fast; same bytes and mode), which
        // the tests never write through.
        std::error_code error;
        const bool unchanged = !entry.content && entry.mode == (static_cast<unsigned>(fs::status(entry.source).permissions()) & 0777);
        if (unchanged && (fs::create_hard_link(entry.source, path, error), !error)) break;
        write_file(path, entry.content ? *entry.content : read_file(entry.source));
        fs::permissions(path, static_cast<fs::perms>(entry.mode));
        break;
      }
    }
  }
}

}  // namespace venv2docker::test
