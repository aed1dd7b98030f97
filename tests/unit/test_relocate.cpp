// Relocation of real venvs: each is walked, relocated into a temp folder that
// stands for the image's root, written out there, and then run, so the
// rewritten files are checked both byte for byte and by Python itself.
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <thread>

#include "relocate/deferred_text_scan.h"
#include "relocate/path_map.h"
#include "relocate/python_literal.h"
#include "relocate/relocate.h"
#include "relocate/text_scan_memo.h"
#include "temp_dir.h"
#include "util/error.h"
#include "venv/wheel_record.h"
#include "venv_fixture.h"
#include "walk/tree_walk.h"

using namespace venv2docker;
using namespace venv2docker::test;
namespace fs = std::filesystem;

namespace {

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::string after_first_line(const std::string& text) { return text.substr(text.find('\n') + 1); }

// The lines of `text` that start with `start`, each ending in "\n".
std::string lines_starting(const std::string& text, const std::string& start) {
  std::string found;
  for (std::size_t at = 0; at < text.size();) {
    const auto end = text.find('\n', at);
    std::string line = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (line.ends_with('\r')) line.pop_back();  // pip writes RECORD with csv's "\r\n"
    if (line.starts_with(start)) found += line + "\n";
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return found;
}

bool mentions(const std::vector<std::string>& warnings, const std::string& text) {
  for (const std::string& warning : warnings) {
    if (warning.find(text) != std::string::npos) return true;
  }
  return false;
}

// A venv relocated into <temp>/opt/venv, its project into <temp>/app.
struct Relocation {
  TempDir image;
  fs::path venv_source;
  std::string venv;  // the venv's new path
  std::string app;   // the project's new path
  Venv opened;
  std::vector<LayerEntry> entries;
  std::vector<LayerEntry> project_entries;
  RelocationResult result;

  const LayerEntry& at(const std::string& relative) const {
    for (const LayerEntry& entry : entries) {
      if (entry.path == venv + "/" + relative) return entry;
    }
    throw std::runtime_error("no entry " + relative);
  }
  bool has(const std::string& relative) const {
    for (const LayerEntry& entry : entries) {
      if (entry.path == venv + "/" + relative) return true;
    }
    return false;
  }
  std::string text(const std::string& relative) const {
    const LayerEntry& entry = at(relative);
    return entry.content ? *entry.content : read_file(entry.source);
  }
  std::string original(const std::string& relative) const { return read_file(venv_source / relative); }
  std::string site() const { return opened.site_packages.lexically_relative(opened.root).string(); }
  /// Runs a command with the relocated venv's bin/ first on PATH.
  std::string run_in_image(const std::string& command) const {
    return run("PATH=" + sh_quote(venv + "/bin") + ":/usr/bin:/bin " + command);
  }
};

std::unique_ptr<Relocation> relocate(const fs::path& venv_path, const std::optional<fs::path>& project,
                                     const std::string& venv_folder = "opt/venv",
                                     const std::function<void(std::vector<LayerEntry>&)>& edit = {}) {
  auto made = std::make_unique<Relocation>();
  made->venv_source = venv_path;
  made->venv = (made->image.path() / venv_folder).string();
  made->app = (made->image.path() / "app").string();
  made->opened = open_venv(venv_path);

  RelocationParams params;
  params.venv_destination = made->venv;
  params.project_source = project;
  params.project_destination = made->app;
  params.interpreter = host_python_binary();

  WalkOptions walk;
  walk.source = made->opened.root;
  walk.destination = made->venv;
  walk.allowed_roots = {fs::path(params.interpreter).parent_path().parent_path()};
  std::vector<std::string> walk_warnings;
  made->entries = walk_tree(walk, walk_warnings);
  REQUIRE(walk_warnings.empty());
  if (edit) edit(made->entries);
  made->result = relocate_venv(made->opened, made->entries, params);

  materialize(made->entries);
  materialize(made->result.extra_entries);
  if (project) {
    WalkOptions project_walk;
    project_walk.source = *project;
    project_walk.destination = made->app;
    project_walk.excludes = default_project_excludes(*project);
    made->project_entries = walk_tree(project_walk, walk_warnings);
    materialize(made->project_entries);
  }
  for (const std::string& warning : made->result.warnings) UNSCOPED_INFO("warning: " << warning);
  return made;
}

// The standard venv with its `app` project, relocated once for all tests.
const Relocation& standard() {
  static const std::unique_ptr<Relocation> relocated = relocate(standard_venv().venv, standard_venv().app);
  return *relocated;
}

}  // namespace

TEST_CASE("pyvenv.cfg names the image's interpreter folder and loses host-only keys", "[relocate]") {
  const Relocation& r = standard();
  const std::map<std::string, std::string>& config = r.opened.config;
  const std::string expected = "home = " + fs::path(host_python_binary()).parent_path().string() +
                               "\ninclude-system-site-packages = false\nversion = " + config.at("version") + "\n";
  CHECK(r.text("pyvenv.cfg") == expected);
  CHECK(r.original("pyvenv.cfg").find("executable = ") != std::string::npos);
}

TEST_CASE("pyvenv.cfg names the release of the image's interpreter, in the venv's spelling", "[relocate]") {
  const Venv venv = open_venv(standard_venv().venv);
  const std::string release = venv.python_version + ".99";
  WalkOptions walk;
  walk.source = venv.root;
  walk.destination = "/opt/venv";
  walk.allowed_roots = {fs::path(host_python_binary()).parent_path().parent_path()};
  std::vector<std::string> warnings;
  const std::vector<LayerEntry> walked = walk_tree(walk, warnings);
  // Relocates a copy of the walked venv whose pyvenv.cfg says `config`; returns the new pyvenv.cfg.
  const auto relocated_cfg = [&](const std::string& config, const std::string& interpreter_release) {
    std::vector<LayerEntry> entries = walked;
    for (LayerEntry& entry : entries) {
      if (entry.path == "/opt/venv/pyvenv.cfg") entry.content = config;
    }
    RelocationParams params;
    params.venv_destination = "/opt/venv";
    params.interpreter = "/usr/bin/python" + venv.python_version;
    params.interpreter_release = interpreter_release;
    relocate_venv(venv, entries, params);
    for (const LayerEntry& entry : entries) {
      if (entry.path == "/opt/venv/pyvenv.cfg") return entry.content.value_or("");
    }
    return std::string("(no pyvenv.cfg)");
  };
  // venv's `version` and virtualenv's `version_info`; a version of another Python stays for the checks.
  const std::string host = venv.python_version + ".7";
  CHECK(relocated_cfg("home = /somewhere\nversion = " + host + "\nversion_info = " + host + ".final.0\nother = 2.7.18\n",
                      release) ==
        "home = /usr/bin\nversion = " + release + "\nversion_info = " + release + ".final.0\nother = 2.7.18\n");
  // No release known: the venv's own stays.
  CHECK(relocated_cfg("home = /somewhere\nversion = " + host + "\n", "") == "home = /usr/bin\nversion = " + host + "\n");
}

TEST_CASE("bin/python3 links to the image's interpreter, the other names to it", "[relocate]") {
  const Relocation& r = standard();
  const std::string versioned = "bin/python" + r.opened.python_version;
  CHECK(r.at("bin/python3").kind == EntryKind::symlink);
  CHECK(r.at("bin/python3").link_target == host_python_binary());
  CHECK(r.at("bin/python").link_target == "python3");
  CHECK(r.at(versioned).link_target == "python3");
  const std::string prefix = r.run_in_image("python -c 'import sys; print(sys.prefix)'");
  CHECK(prefix == r.venv + "\n");
}

TEST_CASE("console scripts get the new interpreter in their shebang", "[relocate]") {
  const Relocation& r = standard();
  for (const char* script : {"bin/hello-v2d", "bin/edit-v2d", "bin/app-v2d", "bin/legacy-v2d", "bin/pip", "bin/wheel"}) {
    INFO(script);
    const std::string original = r.original(script);
    REQUIRE(original.starts_with("#!" + r.venv_source.string() + "/bin/python3\n"));
    CHECK(r.text(script) == "#!" + r.venv + "/bin/python3\n" + after_first_line(original));
    CHECK(r.at(script).size == r.text(script).size());
    CHECK(r.at(script).mode == 0755);
  }
  CHECK(r.run_in_image("hello-v2d") == "hello from v2d\n");
  CHECK(r.run_in_image("app-v2d") == "app from v2d\n");
  CHECK(r.run_in_image("edit-v2d") == "edit from v2d\n");
  CHECK(r.run_in_image("legacy-v2d") == "legacy from v2d\n");
}

TEST_CASE("RECORD gets the new hash and size of each rewritten file", "[relocate]") {
  const Relocation& r = standard();
  const std::string record_path = r.site() + "/hello_v2d-1.0.dist-info/RECORD";
  const std::string script = r.text("bin/hello-v2d");
  const std::string expected_line = "../../../bin/hello-v2d," + python_record_hash(script) + "," +
                                    std::to_string(script.size());
  const std::string record = r.text(record_path);
  CHECK(lines_starting(record, "../../../bin/hello-v2d,") == expected_line + "\n");
  // Every other line is as pip wrote it.
  const std::string original = r.original(record_path);
  const std::string old_line = lines_starting(original, "../../../bin/hello-v2d,");
  CHECK(replace_all(original, old_line.substr(0, old_line.size() - 1), expected_line) == record);
  // And pip itself accepts the venv.
  CHECK_NOTHROW(r.run_in_image("python -m pip check"));
}

TEST_CASE("activate scripts name the new venv", "[relocate]") {
  const Relocation& r = standard();
  for (const char* script : {"bin/activate", "bin/activate.csh", "bin/activate.fish"}) {
    INFO(script);
    const std::string original = r.original(script);
    REQUIRE(original.find(r.venv_source.string()) != std::string::npos);
    CHECK(r.text(script) == replace_all(original, r.venv_source.string(), r.venv));
  }
  CHECK(r.run_in_image("bash -c '. " + r.venv + "/bin/activate && echo $VIRTUAL_ENV'") == r.venv + "\n");
}

TEST_CASE("the editable finder maps packages to the project's new place", "[relocate]") {
  const Relocation& r = standard();
  const std::string finder = r.site() + "/__editable___app_v2d_1_0_finder.py";
  const std::string text = r.text(finder);
  CHECK(lines_starting(text, "MAPPING") ==
        "MAPPING = {'app_pkg': '" + r.app + "/app_pkg', 'nsp': '" + r.app + "/nsp'}\n");
  CHECK(lines_starting(text, "NAMESPACES") == "NAMESPACES = {'nsp': ['" + r.app + "/nsp']}\n");
  // Nothing else in the module changed.
  const std::string app = standard_venv().app.string();
  CHECK(replace_all(r.original(finder), app, r.app) == text);
  // Its stale bytecode is gone, and RECORD has the new hash.
  const std::string pyc = r.site() + "/__pycache__/__editable___app_v2d_1_0_finder.cpython-" +
                          replace_all(r.opened.python_version, ".", "") + ".pyc";
  REQUIRE(fs::exists(r.venv_source / pyc));
  CHECK_FALSE(r.has(pyc));
  CHECK(lines_starting(r.text(r.site() + "/app_v2d-1.0.dist-info/RECORD"), "__editable___app_v2d_1_0_finder.py,") ==
        "__editable___app_v2d_1_0_finder.py," + python_record_hash(text) + "," + std::to_string(text.size()) + "\n");

  const std::string where = r.run_in_image("python -c 'import app_pkg, nsp.sub; print(app_pkg.__file__); print(nsp.sub.__file__)'");
  CHECK(where == r.app + "/app_pkg/__init__.py\n" + r.app + "/nsp/sub/__init__.py\n");
}

TEST_CASE("direct_url.json of an editable install names its new place", "[relocate]") {
  const Relocation& r = standard();
  CHECK(r.text(r.site() + "/app_v2d-1.0.dist-info/direct_url.json") ==
        "{\"dir_info\": {\"editable\": true}, \"url\": \"file://" + r.app + "\"}");
  CHECK(r.text(r.site() + "/edit_v2d-1.0.dist-info/direct_url.json") ==
        "{\"dir_info\": {\"editable\": true}, \"url\": \"file://" + r.venv + "/src/edit\"}");
  // A plain install from a folder keeps its provenance.
  CHECK(r.text(r.site() + "/hello_v2d-1.0.dist-info/direct_url.json") ==
        r.original(r.site() + "/hello_v2d-1.0.dist-info/direct_url.json"));
}

TEST_CASE("editable sources outside the project are copied under <venv>/src", "[relocate]") {
  const Relocation& r = standard();
  const std::string pth = r.site() + "/__editable__.edit_v2d-1.0.pth";
  CHECK(r.text(pth) == replace_all(r.original(pth), standard_venv().edit.string(), r.venv + "/src/edit"));
  CHECK(r.text(pth).starts_with(r.venv + "/src/edit/src"));

  std::map<std::string, const LayerEntry*> extra;
  for (const LayerEntry& entry : r.result.extra_entries) extra[entry.path] = &entry;
  CHECK(extra.at(r.venv + "/src")->kind == EntryKind::directory);
  CHECK(extra.at(r.venv + "/src/edit/src/edit_pkg/__init__.py")->source ==
        standard_venv().edit / "src/edit_pkg/__init__.py");
  CHECK(extra.count(r.venv + "/src/legacy/src/legacy_pkg/__init__.py"));
  CHECK(mentions(r.result.warnings, standard_venv().edit.string()));
  // Their files are outside the venv's entries, so the venv stage is not recorded.
  CHECK(r.result.looked_outside);

  const std::string where =
      r.run_in_image("python -c 'import edit_pkg, legacy_pkg; print(edit_pkg.__file__); print(legacy_pkg.__file__)'");
  CHECK(where == r.venv + "/src/edit/src/edit_pkg/__init__.py\n" + r.venv + "/src/legacy/src/legacy_pkg/__init__.py\n");
}

TEST_CASE("setup.py develop installs: .egg-link and easy-install.pth", "[relocate]") {
  const Relocation& r = standard();
  const std::string legacy = standard_venv().legacy.string();
  const std::string egg_link = r.site() + "/legacy-v2d.egg-link";
  REQUIRE(r.original(egg_link).starts_with(legacy + "/src\n"));
  CHECK(r.text(egg_link) == replace_all(r.original(egg_link), legacy, r.venv + "/src/legacy"));
  const std::string easy_install = r.site() + "/easy-install.pth";
  CHECK(r.text(easy_install) == replace_all(r.original(easy_install), legacy, r.venv + "/src/legacy"));
}

TEST_CASE("no relocated file names the old venv or project", "[relocate]") {
  const Relocation& r = standard();
  CHECK_FALSE(mentions(r.result.warnings, "still names"));
  for (const LayerEntry& entry : r.entries) {
    if (entry.content) {
      INFO(entry.path);
      CHECK(entry.content->find(r.venv_source.string()) == std::string::npos);
      CHECK(entry.content->find(standard_venv().app.string()) == std::string::npos);
      CHECK(entry.size == entry.content->size());
    }
  }
}

TEST_CASE("a --copies venv in a folder with a space", "[relocate]") {
  const auto r = relocate(spaced_copies_venv(), std::nullopt);
  const std::string versioned = "python" + r->opened.python_version;

  // The copied binaries are not shipped: one link to the image's interpreter,
  // the other names link to it.
  CHECK(r->original("bin/python3").size() > 100000);
  CHECK(r->at("bin/" + versioned).kind == EntryKind::symlink);
  CHECK(r->at("bin/" + versioned).link_target == host_python_binary());
  CHECK(r->at("bin/python3").link_target == versioned);
  CHECK(r->at("bin/python").link_target == versioned);

  // pip's `'''exec'` form for the spaced path becomes a plain shebang.
  const std::string original = r->original("bin/hello-v2d");
  REQUIRE(original.starts_with("#!/bin/sh\n'''exec' \"" + r->venv_source.string() + "/bin/python\" \"$0\" \"$@\"\n' '''\n"));
  const std::string body = after_first_line(after_first_line(after_first_line(original)));
  CHECK(r->text("bin/hello-v2d") == "#!" + r->venv + "/bin/python\n" + body);
  CHECK(r->run_in_image("hello-v2d") == "hello from v2d\n");
  CHECK(r->run_in_image("python -c 'import sys; print(sys.prefix)'") == r->venv + "\n");

  // venv wrote the old path shell-quoted ('/x/with space/venv').
  for (const char* script : {"bin/activate", "bin/activate.csh", "bin/activate.fish"}) {
    INFO(script);
    const std::string quoted = "'" + r->venv_source.string() + "'";
    REQUIRE(r->original(script).find(quoted) != std::string::npos);
    CHECK(r->text(script) == replace_all(r->original(script), quoted, "'" + r->venv + "'"));
  }
  CHECK(r->run_in_image("bash -c '. " + r->venv + "/bin/activate && echo $VIRTUAL_ENV'") == r->venv + "\n");
  CHECK_FALSE(mentions(r->result.warnings, "still names"));
  // Nothing outside the venv was consulted: its outcome may be reused by stat.
  CHECK_FALSE(r->result.looked_outside);
}

TEST_CASE("a destination too long for a shebang gets pip's exec form", "[relocate]") {
  const std::string deep = "opt/" + std::string(60, 'd') + "/" + std::string(60, 'e') + "/venv";
  const auto r = relocate(standard_venv().venv, standard_venv().app, deep);
  const std::string original = r->original("bin/hello-v2d");
  CHECK(r->text("bin/hello-v2d") == "#!/bin/sh\n'''exec' " + r->venv + "/bin/python3 \"$0\" \"$@\"\n' '''\n" +
                                        after_first_line(original));
  CHECK(r->run_in_image("hello-v2d") == "hello from v2d\n");
}

TEST_CASE("a venv opened through a symlinked folder is still found in its files", "[relocate]") {
  TempDir links;
  fs::create_directory_symlink(standard_venv().venv.parent_path(), links / "home");
  const auto r = relocate(links / "home/venv", std::nullopt);
  CHECK(r->opened.root == links / "home/venv");
  CHECK(r->text("bin/hello-v2d").starts_with("#!" + r->venv + "/bin/python3\n"));
  CHECK(r->text("bin/activate").find(standard_venv().venv.string()) == std::string::npos);
}

TEST_CASE("virtualenv's Tcl/Tk paths are switched off in activate", "[relocate]") {
  const std::string block =
      "\nif [ /usr/share/tcltk/tcl8.6 != \"\" ]; then\n"
      "    if [ -n \"${TCL_LIBRARY:-}\" ] ; then\n"
      "        _OLD_VIRTUAL_TCL_LIBRARY=\"$TCL_LIBRARY\"\n"
      "    fi\n"
      "    TCL_LIBRARY=/usr/share/tcltk/tcl8.6\n"
      "    export TCL_LIBRARY\n"
      "fi\n";
  // What virtualenv would have written: the venv's activate plus its Tcl block.
  const auto add_block = [&](std::vector<LayerEntry>& entries) {
    for (LayerEntry& entry : entries) {
      if (entry.path.ends_with("/bin/activate")) {
        entry.content = read_file(entry.source) + block;
        entry.size = entry.content->size();
      }
    }
  };
  const auto r = relocate(standard_venv().venv, std::nullopt, "opt/venv", add_block);
  const std::string text = r->text("bin/activate");
  CHECK(text.find("/usr/share/tcltk") == std::string::npos);
  CHECK(text.find("if [ '' != \"\" ]; then") != std::string::npos);
  CHECK(text.find("TCL_LIBRARY=''") != std::string::npos);
  CHECK(r->run_in_image("bash -c 'unset TCL_LIBRARY; . " + r->venv + "/bin/activate && echo \"[$TCL_LIBRARY]\"'") ==
        "[]\n");
}

TEST_CASE("relocate_venv refuses destinations scripts cannot hold", "[relocate]") {
  const Venv venv = open_venv(standard_venv().venv);
  std::vector<LayerEntry> entries;
  RelocationParams params;
  params.interpreter = "/usr/bin/python3";
  params.venv_destination = "/opt/my venv";
  CHECK_THROWS_WITH(relocate_venv(venv, entries, params), Catch::Contains("/opt/my venv"));
  params.venv_destination = "opt/venv";
  CHECK_THROWS_AS(relocate_venv(venv, entries, params), Error);
  params.venv_destination = "/opt/venv";
  params.interpreter = "python3";
  CHECK_THROWS_WITH(relocate_venv(venv, entries, params), Catch::Contains("interpreter"));
  params.interpreter = "/usr/bin/python3";
  CHECK_THROWS_WITH(relocate_venv(venv, entries, params), Catch::Contains("pyvenv.cfg"));
}

TEST_CASE("Python literals: parsed as Python reads them, written as repr() does", "[relocate]") {
  const std::string source =
      R"({'a': '/p/it\'s', "b": "tab\there", 'c': ['/x', "/y\\z"], 'd': '\u00e9\x41', 'e': r'raw\n', 'f': ('t',)})";
  std::size_t pos = 0;
  const auto literal = parse_py_literal(source, pos).literal;
  REQUIRE(literal);
  CHECK(pos == source.size());
  CHECK(py_repr(*literal) ==
        R"({'a': "/p/it's", 'b': 'tab\there', 'c': ['/x', '/y\\z'], 'd': 'éA', 'e': 'raw\\n', 'f': ('t',)})");
  // Python agrees, character for character.
  const std::string python = run(sh_quote(host_python()) + " -c " + sh_quote("print(repr(" + source + "))"));
  CHECK(python == py_repr(*literal) + "\n");

  std::size_t bad = 0;
  CHECK_FALSE(parse_py_literal("{'a': 1}", bad).literal);
  bad = 0;
  CHECK_FALSE(parse_py_literal("'unterminated", bad).literal);
}

TEST_CASE("Python literals nested deeper than Python allows are refused, not recursed into", "[relocate]") {
  auto nested = [](std::size_t depth) { return std::string(depth, '[') + "'/x'" + std::string(depth, ']'); };
  std::size_t pos = 0;
  const ParsedPyLiteral deepest = parse_py_literal(nested(k_max_py_literal_depth), pos);
  REQUIRE(deepest.literal);
  CHECK_FALSE(deepest.too_deep);
  CHECK(py_repr(*deepest.literal) == nested(k_max_py_literal_depth));
  for (std::size_t depth : {k_max_py_literal_depth + 1, std::size_t{100000}}) {
    INFO(depth);
    pos = 0;
    const ParsedPyLiteral refused = parse_py_literal(nested(depth), pos);
    CHECK_FALSE(refused.literal);
    CHECK(refused.too_deep);
  }
  // Python itself refuses what is refused here.
  const std::string python = sh_quote(host_python()) + " -c " +
                             sh_quote("import ast, sys; ast.literal_eval(sys.stdin.read()); print('parsed')");
  CHECK(run("printf %s " + sh_quote(nested(k_max_py_literal_depth)) + " | " + python) == "parsed\n");
  CHECK_THROWS(run("printf %s " + sh_quote(nested(k_max_py_literal_depth + 1)) + " | " + python + " 2>/dev/null"));
}

TEST_CASE("PathMap replaces whole paths only, in one pass", "[relocate]") {
  PathMap map;
  map.add("/home/u/venv", "/opt/venv");
  map.add("/data/home/u/venv", "/opt/venv");
  CHECK(map.map("/home/u/venv/bin/x") == "/opt/venv/bin/x");
  CHECK_FALSE(map.map("/home/u/venv2"));
  CHECK(map.replace_in("a=/home/u/venv b=/home/u/venv2 c=/x/home/u/venv d=/data/home/u/venv/bin e=file:///home/u/venv") ==
        "a=/opt/venv b=/home/u/venv2 c=/x/home/u/venv d=/opt/venv/bin e=file:///opt/venv");
  CHECK_FALSE(map.replace_in("nothing here"));
  CHECK(map.find_in("x '/home/u/venv'") == "/home/u/venv");
  // At the very start and the very end, after many other slashes.
  CHECK(map.find_in("/home/u/venv") == "/home/u/venv");
  CHECK(map.replace_in("/a/b/c//d/ /home/u/ven /home/u/venv") == "/a/b/c//d/ /home/u/ven /opt/venv");
  CHECK_FALSE(map.find_in("/a/b/c/home/u/venv/"));
}

TEST_CASE("RECORD hashes are urlsafe base64 without padding", "[relocate]") {
  for (const std::string& bytes : {std::string(), std::string("hello\n"), std::string(1000, '\xfb')}) {
    CHECK(record_hash(bytes) == python_record_hash(bytes));
  }
  const std::string record = "a.py,sha256=old,3\r\n\"we,ird.py\",sha256=old,3\r\nRECORD,,\r\n";
  const auto updated = update_record(record, [](const std::string& path) -> std::optional<std::string> {
    if (path == "we,ird.py") return std::string("new");
    return std::nullopt;
  });
  CHECK(updated == "a.py,sha256=old,3\r\n\"we,ird.py\"," + record_hash("new") + ",3\r\nRECORD,,\r\n");

  // Lines without quotes, cut at their commas as Python's csv module reads them:
  // one field, empty fields, a fourth field (then not a RECORD line to rewrite).
  const std::string plain = "only\n,sha256=x,1\nb.py,,\nc.py,sha256=old,3,extra\nd.py,sha256=old,3\n";
  CHECK(record_paths(plain) == std::vector<std::string>{"only", "b.py", "c.py", "d.py"});
  const auto rewritten = update_record(plain, [](const std::string&) { return std::optional<std::string>("x"); });
  CHECK(rewritten == "only\n,sha256=x,1\nb.py," + record_hash("x") + ",1\nc.py,sha256=old,3,extra\nd.py," +
                         record_hash("x") + ",1\n");
}

TEST_CASE("other text files: the old path replaced where that is safe, reported elsewhere", "[relocate]") {
  const fs::path old_venv = standard_venv().venv;
  const std::string old = old_venv.string();
  const std::string site = open_venv(old_venv).site_packages.lexically_relative(old_venv).string();
  std::string venv_folder;  // the destination, known once the hook runs
  const auto add_files = [&](std::vector<LayerEntry>& entries) {
    venv_folder = entries.front().path;
    auto add = [&](const std::string& relative, const std::string& content, std::uint32_t mode = 0644) {
      LayerEntry entry;
      entry.path = venv_folder + "/" + relative;
      entry.mode = mode;
      entry.content = content;
      entry.size = content.size();
      entries.push_back(entry);
    };
    add("share/jupyter/kernels/python3/kernel.json", "{\"argv\": [\"" + old + "/bin/python\", \"-m\", \"ipykernel\"]}\n");
    add("bin/run-tool", "#!/bin/sh\nexec " + old + "/bin/python -m tool \"$@\"\n", 0755);
    add("etc/tool.conf", "data=" + old + "/share/tool\n");
    add(site + "/settings_mod.py", "ROOT = '" + old + "'\n");
    add(site + "/__pycache__/settings_mod.cpython-311.pyc", std::string("\x00\x01pyc", 5) + old);
    add(site + "/blob.bin", std::string("\x00\x01", 2) + old);
    sort_entries(entries);
  };
  const auto r = relocate(old_venv, std::nullopt, "opt/venv", add_files);

  CHECK(r->text("share/jupyter/kernels/python3/kernel.json") ==
        "{\"argv\": [\"" + r->venv + "/bin/python\", \"-m\", \"ipykernel\"]}\n");
  CHECK(r->text("bin/run-tool") == "#!/bin/sh\nexec " + r->venv + "/bin/python -m tool \"$@\"\n");
  CHECK(r->text(site + "/settings_mod.py") == "ROOT = '" + r->venv + "'\n");
  CHECK_FALSE(r->has(site + "/__pycache__/settings_mod.cpython-311.pyc"));
  // An unknown format is left alone, and reported; binary files are not read.
  CHECK(r->text("etc/tool.conf") == "data=" + old + "/share/tool\n");
  CHECK(mentions(r->result.warnings, "etc/tool.conf still names " + old));
  CHECK_FALSE(mentions(r->result.warnings, "blob.bin"));
}

TEST_CASE("host files are judged text by their first 8 KiB, and searched whole", "[relocate]") {
  const fs::path old_venv = standard_venv().venv;
  const std::string old = old_venv.string();
  const std::string site = open_venv(old_venv).site_packages.lexically_relative(old_venv).string();
  TempDir host;
  const auto add_files = [&](std::vector<LayerEntry>& entries) {
    const std::string venv_folder = entries.front().path;
    auto add = [&](const std::string& relative, const std::string& bytes) {
      const fs::path file = host.path() / fs::path(relative).filename();
      write_file(file, bytes);
      LayerEntry entry;
      entry.path = venv_folder + "/" + relative;
      entry.source = file.string();
      entry.size = bytes.size();
      entries.push_back(entry);
    };
    // The old path far past the sniffed head, and a NUL after it: still text.
    add(site + "/late_mention.py", std::string(20000, '#') + "\nROOT = '" + old + "'\n" + std::string(1, '\0'));
    // A NUL in the head: binary, so not searched, whatever follows.
    add(site + "/early_nul.cfg", std::string("x\0", 2) + std::string(9000, ' ') + old + "\n");
    // Text naming the old path in a format that is not rewritten: reported.
    add("etc/late.conf", std::string(9000, ' ') + "data=" + old + "\n");
    // Bytecode is binary by its header (PEP 552 flags hold NULs): not read at
    // all, so not even a file that is no real bytecode is reported.
    add(site + "/__pycache__/not_bytecode.cpython-311.pyc", "data=" + old + "\n");
    sort_entries(entries);
  };
  const auto r = relocate(old_venv, std::nullopt, "opt/venv", add_files);

  CHECK(r->text(site + "/late_mention.py") ==
        std::string(20000, '#') + "\nROOT = '" + r->venv + "'\n" + std::string(1, '\0'));
  CHECK(r->text(site + "/early_nul.cfg").ends_with(old + "\n"));
  CHECK_FALSE(mentions(r->result.warnings, "early_nul.cfg"));
  CHECK(mentions(r->result.warnings, "late.conf still names " + old));
  CHECK(r->text(site + "/__pycache__/not_bytecode.cpython-311.pyc") == "data=" + old + "\n");
  CHECK_FALSE(mentions(r->result.warnings, "not_bytecode"));
}

TEST_CASE("a venv already at its image path keeps its paths and raises no warnings", "[relocate]") {
  const Venv venv = open_venv(standard_venv().venv);
  WalkOptions walk;
  walk.source = venv.root;
  walk.destination = venv.root.string();
  walk.allowed_roots = {fs::path(host_python_binary()).parent_path().parent_path(), standard_venv().venv.parent_path()};
  std::vector<std::string> warnings;
  std::vector<LayerEntry> entries = walk_tree(walk, warnings);
  RelocationParams params;
  params.venv_destination = venv.root.string();
  params.interpreter = host_python_binary();
  const RelocationResult result = relocate_venv(venv, entries, params);
  for (const LayerEntry& entry : entries) {
    // Scripts and activate already name the right paths (only the editable
    // sources, outside any project here, move into the venv).
    INFO(entry.path);
    if (entry.kind == EntryKind::regular && entry.path.starts_with(venv.root.string() + "/bin/")) {
      CHECK_FALSE(entry.content);
    }
  }
  CHECK_FALSE(mentions(result.warnings, "still names"));
}

TEST_CASE("a venv made by virtualenv", "[relocate]") {
  const fs::path* made = virtualenv_venv();
  if (!made) {
    WARN("no virtualenv module for " + host_python() + " (Debian: apt-get install python3-virtualenv); skipped");
    return;
  }
  const auto r = relocate(*made, std::nullopt);

  // virtualenv's informational keys about the host go; the others stay, in order.
  std::string expected;
  for (const std::string key : {"home", "implementation", "version_info", "virtualenv", "include-system-site-packages"}) {
    const std::string value = key == "home" ? fs::path(host_python_binary()).parent_path().string() : r->opened.config.at(key);
    expected += key + " = " + value + "\n";
  }
  CHECK(r->text("pyvenv.cfg") == expected);
  CHECK(r->original("pyvenv.cfg").find("base-executable") != std::string::npos);

  // virtualenv makes `python` the absolute link and the others relative to it.
  CHECK(r->at("bin/python").link_target == host_python_binary());
  CHECK(r->at("bin/python3").link_target == "python");
  CHECK(r->at("bin/python" + r->opened.python_version).link_target == "python");

  for (const char* script : {"bin/activate", "bin/activate.csh", "bin/activate.fish", "bin/activate.nu"}) {
    INFO(script);
    const std::string original = r->original(script);
    REQUIRE(original.find("'" + made->string() + "'") != std::string::npos);
    CHECK(r->text(script) == replace_all(original, made->string(), r->venv));
  }
  CHECK(r->run_in_image("python -c 'import sys; print(sys.prefix)'") == r->venv + "\n");
  CHECK(r->run_in_image("bash -c '. " + r->venv + "/bin/activate && echo $VIRTUAL_ENV'") == r->venv + "\n");
  CHECK_FALSE(mentions(r->result.warnings, "still names"));
  // Nothing outside the venv was consulted: its outcome may be reused by stat.
  CHECK_FALSE(r->result.looked_outside);
}

TEST_CASE("a deferred text scan: unknown files left to the layer writer, whose verdicts the next relocation reads",
          "[relocate]") {
  const fs::path old_venv = standard_venv().venv;
  const std::string old = old_venv.string();
  const Venv opened = open_venv(old_venv);
  const std::string site = opened.site_packages.lexically_relative(old_venv).string();
  TempDir tmp;
  const std::string destination = (tmp.path() / "opt/venv").string();
  write_file(tmp.path() / "host/names_old.py", "ROOT = '" + old + "'\n");
  write_file(tmp.path() / "host/clean.py", "ROOT = 'elsewhere'\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(k_settle_seconds * 1000 + 100));  // or the memo skips them

  RelocationParams params;
  params.venv_destination = destination;
  params.interpreter = host_python_binary();
  const auto relocated = [&](DeferredTextScan* deferred, FileStatMemo* memo) {
    WalkOptions walk;
    walk.source = opened.root;
    walk.destination = destination;
    walk.allowed_roots = {fs::path(params.interpreter).parent_path().parent_path()};
    std::vector<std::string> walk_warnings;
    std::vector<LayerEntry> entries = walk_tree(walk, walk_warnings);
    for (const char* name : {"names_old.py", "clean.py"}) {
      const fs::path file = tmp.path() / "host" / name;
      entries.push_back(LayerEntry{destination + "/" + site + "/" + name, EntryKind::regular, 0644, {}, file.string(),
                                   std::nullopt, fs::file_size(file), lstat_source(file.string())});
    }
    sort_entries(entries);
    RelocationParams with = params;
    with.text_scan_memo = memo;
    with.deferred_text_scan = deferred;
    relocate_venv(opened, entries, with);
    return entries;
  };
  const auto at_path = [](const std::vector<LayerEntry>& entries, const std::string& path) -> const LayerEntry& {
    for (const LayerEntry& entry : entries) {
      if (entry.path == path) return entry;
    }
    throw std::runtime_error("no entry " + path);
  };
  const auto at = [&](const std::vector<LayerEntry>& entries, const std::string& name) -> const LayerEntry& {
    return at_path(entries, destination + "/" + site + "/" + name);
  };
  const fs::path memo_file = tmp.path() / "memo.cbor";

  // First relocation: the memo knows nothing, so both are left unread to the writer.
  auto scan = std::make_unique<DeferredTextScan>(std::make_unique<FileStatMemo>(memo_file, k_text_scan_memo));
  const std::vector<LayerEntry> first = relocated(scan.get(), &scan->memo());
  for (const char* name : {"names_old.py", "clean.py"}) {
    CHECK(at(first, name).text_scan_pending);
    CHECK_FALSE(at(first, name).content);
  }
  // Files relocation rewrote before its scan (pyvenv.cfg) are scanned at
  // once; only a RECORD is rewritten after it (new hashes, the same paths),
  // and then the writer is told its new bytes.
  for (const LayerEntry& entry : first) {
    if (entry.content && entry.text_scan_pending) CHECK(entry.path.ends_with(".dist-info/RECORD"));
  }
  CHECK_FALSE(at_path(first, destination + "/pyvenv.cfg").text_scan_pending);
  scan->check(at(first, "clean.py"), "ROOT = 'elsewhere'\n");
  CHECK_FALSE(scan->lost_on());
  scan->check(at(first, "names_old.py"), "ROOT = '" + old + "'\n");
  CHECK(scan->lost_on() == (tmp.path() / "host/names_old.py").string());
  // Binary bytes name nothing, whatever follows.
  DeferredTextScan binary(std::make_unique<FileStatMemo>(tmp.path() / "other.cbor", k_text_scan_memo));
  binary.look_for([&] { PathMap stale; stale.add(old, destination); return stale; }());
  binary.check(at(first, "clean.py"), std::string("\0", 1) + old);
  CHECK_FALSE(binary.lost_on());
  scan->save_memo();

  // Relocated again with the verdicts: the file that lost is read first and
  // rewritten, the clean one neither read nor left pending; nothing is bet on.
  auto again = std::make_unique<DeferredTextScan>(std::make_unique<FileStatMemo>(memo_file, k_text_scan_memo));
  const std::vector<LayerEntry> second = relocated(again.get(), &again->memo());
  CHECK(at(second, "names_old.py").content == "ROOT = '" + destination + "'\n");
  CHECK_FALSE(at(second, "names_old.py").text_scan_pending);
  CHECK_FALSE(at(second, "clean.py").text_scan_pending);
  CHECK_FALSE(at(second, "clean.py").content);
}
