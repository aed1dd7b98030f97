#include <catch2/catch.hpp>
#include <cstdlib>
#include <optional>

#include "temp_dir.h"
#include "util/error.h"
#include "venv/venv.h"
#include "venv_fixture.h"

using namespace venv2docker;
using namespace venv2docker::test;
namespace fs = std::filesystem;

namespace {

// Sets (or unsets) an environment variable for one test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::optional<std::string>& value) : m_name(name) {
    if (const char* old = std::getenv(name)) m_old = old;
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (m_old) {
      ::setenv(m_name, m_old->c_str(), 1);
    } else {
      ::unsetenv(m_name);
    }
  }

 private:
  const char* m_name;
  std::optional<std::string> m_old;
};

std::string host_version() {
  std::string version = run(sh_quote(host_python()) + " -c 'import sys; print(\"%d.%d\" % sys.version_info[:2])'");
  version.pop_back();
  return version;
}

// The smallest folder open_venv() accepts, for the parsing cases a real venv
// of this machine's Python cannot show (another version, free-threading).
void write_minimal_venv(const fs::path& dir, const std::string& cfg, const std::string& lib_name) {
  write_file(dir / "pyvenv.cfg", cfg);
  fs::create_directories(dir / "lib" / lib_name / "site-packages");
}

}  // namespace

TEST_CASE("open_venv reads a venv made by python -m venv", "[venv]") {
  const StandardVenv& made = standard_venv();
  const Venv venv = open_venv(made.venv);
  const std::string version = host_version();

  CHECK(venv.root == made.venv);
  CHECK(venv.name == "venv");
  CHECK(venv.python_version == version);
  CHECK_FALSE(venv.free_threaded);
  CHECK(venv.site_packages == made.venv / ("lib/python" + version) / "site-packages");
  // Debian's venv names the folder of the interpreter it was made with.
  const std::string base_dir = run(sh_quote(host_python()) + " -c 'import os, sys; print(os.path.dirname(sys._base_executable))'");
  CHECK(venv.home == base_dir.substr(0, base_dir.size() - 1));
  CHECK(venv.config.at("include-system-site-packages") == "false");
  CHECK(venv.config.at("home") == venv.home.string());
  CHECK(venv.config.count("version") == 1);
  CHECK_FALSE(venv.project);
}

TEST_CASE("open_venv gives the venv's path absolute and normal", "[venv]") {
  const fs::path venv = standard_venv().venv;
  CHECK(open_venv(venv.string() + "/").root == venv);
  CHECK(open_venv(venv / ".." / "venv" / ".").root == venv);
}

TEST_CASE("open_venv parses pyvenv.cfg like site.py", "[venv]") {
  TempDir dir;
  // virtualenv's keys, odd spacing, a value holding '=' and a line without one.
  write_minimal_venv(dir / "env",
                     "home=/opt/python/bin\n"
                     "  implementation =  CPython  \n"
                     "version_info = 3.13.1.final.0\n"
                     "prompt = a=b\n"
                     "not a key\n",
                     "python3.13t");
  const Venv venv = open_venv(dir / "env");
  CHECK(venv.home == "/opt/python/bin");
  CHECK(venv.config.at("implementation") == "CPython");
  CHECK(venv.config.at("prompt") == "a=b");
  CHECK(venv.config.size() == 4);
  CHECK(venv.python_version == "3.13");
  CHECK(venv.free_threaded);
  CHECK(venv.site_packages == dir / "env/lib/python3.13t/site-packages");
}

TEST_CASE("open_venv takes the version from lib/ when pyvenv.cfg has none", "[venv]") {
  TempDir dir;
  write_minimal_venv(dir / "env", "home = /usr/bin\n", "python3.12");
  const Venv venv = open_venv(dir / "env");
  CHECK(venv.python_version == "3.12");
  CHECK_FALSE(venv.free_threaded);
}

TEST_CASE("open_venv reads virtualenvwrapper's .project", "[venv]") {
  TempDir dir;
  write_minimal_venv(dir / "env", "home = /usr/bin\nversion = 3.11.2\n", "python3.11");
  write_file(dir / "env/.project", "/home/dev/src/app\n");
  CHECK(open_venv(dir / "env").project == fs::path("/home/dev/src/app"));

  write_file(dir / "env/.project", "\n");
  CHECK_FALSE(open_venv(dir / "env").project);
}

TEST_CASE("open_venv names the file at fault", "[venv]") {
  TempDir dir;
  fs::create_directories(dir / "plain");
  CHECK_THROWS_WITH(open_venv(dir / "plain"), Catch::Contains((dir / "plain/pyvenv.cfg").string()) &&
                                                  Catch::Contains("not a virtualenv"));

  write_file(dir / "nohome/pyvenv.cfg", "version = 3.11.2\n");
  fs::create_directories(dir / "nohome/lib/python3.11/site-packages");
  CHECK_THROWS_WITH(open_venv(dir / "nohome"), Catch::Contains("pyvenv.cfg has no `home`"));

  write_file(dir / "nolib/pyvenv.cfg", "home = /usr/bin\n");
  CHECK_THROWS_WITH(open_venv(dir / "nolib"), Catch::Contains("site-packages"));

  try {
    open_venv(dir / "plain");
    FAIL("no error");
  } catch (const Error& error) {
    CHECK_FALSE(error.hint().empty());
  }
}

TEST_CASE("locate_venv finds a path, a $WORKON_HOME name, or $VIRTUAL_ENV", "[venv]") {
  TempDir dir;
  fs::create_directories(dir / "workon/named");
  fs::create_directories(dir / "active");
  const ScopedEnv workon("WORKON_HOME", (dir / "workon").string());

  SECTION("a folder path wins") {
    CHECK(locate_venv((dir / "active").string() + "/") == dir / "active");
  }
  SECTION("a name is looked up in $WORKON_HOME") {
    CHECK(locate_venv(std::string("named")) == dir / "workon/named");
  }
  SECTION("$WORKON_HOME defaults to ~/.virtualenvs") {
    const ScopedEnv no_workon("WORKON_HOME", std::nullopt);
    const ScopedEnv home("HOME", (dir / "home").string());
    fs::create_directories(dir / "home/.virtualenvs/mine");
    CHECK(locate_venv(std::string("mine")) == dir / "home/.virtualenvs/mine");
  }
  SECTION("no argument takes the active venv") {
    const ScopedEnv active("VIRTUAL_ENV", (dir / "active").string());
    CHECK(locate_venv(std::nullopt) == dir / "active");
  }
  SECTION("nothing found says where it looked") {
    CHECK_THROWS_AS(locate_venv(std::string("missing")), UsageError);
    CHECK_THROWS_WITH(locate_venv(std::string("missing")),
                      Catch::Contains((dir / "workon/missing").string()) && Catch::Contains("missing"));
    // A path is not looked up by name.
    CHECK_THROWS_WITH(locate_venv(std::string("some/missing")), !Catch::Contains("WORKON_HOME"));
  }
  SECTION("no argument and no active venv") {
    const ScopedEnv inactive("VIRTUAL_ENV", std::nullopt);
    CHECK_THROWS_AS(locate_venv(std::nullopt), UsageError);
    CHECK_THROWS_WITH(locate_venv(std::nullopt), Catch::Contains("VIRTUAL_ENV"));
  }
}
