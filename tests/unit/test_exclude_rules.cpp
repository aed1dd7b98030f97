#include <catch2/catch.hpp>
#include <initializer_list>

#include "temp_dir.h"
#include "util/error.h"
#include "venv_fixture.h"
#include "walk/tree_walk.h"

using namespace venv2docker;
using namespace venv2docker::test;

namespace {

ExcludeRules rules(std::initializer_list<const char*> patterns) {
  ExcludeRules made;
  for (const char* pattern : patterns) made.add(pattern);
  return made;
}

}  // namespace

TEST_CASE("a pattern is anchored at the walked folder and `*` stays in one component", "[exclude]") {
  const ExcludeRules r = rules({"*.pyc"});
  CHECK(r.excludes("a.pyc"));
  CHECK_FALSE(r.excludes("pkg/a.pyc"));
  CHECK_FALSE(r.excludes("a.py"));
  CHECK(rules({"pkg/*.pyc"}).excludes("pkg/a.pyc"));
  CHECK_FALSE(rules({"pkg/*.pyc"}).excludes("pkg/sub/a.pyc"));
}

TEST_CASE("`**` stands for any number of folders", "[exclude]") {
  const ExcludeRules r = rules({"**/*.pyc"});
  CHECK(r.excludes("a.pyc"));
  CHECK(r.excludes("pkg/sub/a.pyc"));
  CHECK_FALSE(r.excludes("pkg/a.py"));

  const ExcludeRules middle = rules({"a/**/z"});
  CHECK(middle.excludes("a/z"));
  CHECK(middle.excludes("a/b/c/z"));
  CHECK_FALSE(middle.excludes("b/z"));

  // As in Docker: "dir/**" matches what is inside the folder, not the folder.
  const ExcludeRules inside = rules({"build/**"});
  CHECK(inside.excludes("build/x"));
  CHECK(inside.excludes("build/x/y"));
  CHECK_FALSE(inside.excludes("build"));

  CHECK(rules({"**"}).excludes("anything/at/all"));
}

TEST_CASE("a pattern matching a folder excludes everything under it", "[exclude]") {
  const ExcludeRules r = rules({"build"});
  CHECK(r.excludes("build"));
  CHECK(r.excludes("build/lib/x.py"));
  CHECK_FALSE(r.excludes("builder"));
  CHECK_FALSE(r.excludes("src/build"));
  CHECK(rules({"*/cache"}).excludes("a/cache/deep/file"));
}

TEST_CASE("patterns are cleaned like Go's filepath.Clean, leading slash dropped", "[exclude]") {
  CHECK(rules({"/build/"}).excludes("build/x"));
  CHECK(rules({"./a//b/../c"}).excludes("a/c"));
  CHECK(rules({"  spaced  "}).excludes("spaced"));
}

TEST_CASE("`? [...]` and escapes follow Go's filepath.Match", "[exclude]") {
  CHECK(rules({"a?c"}).excludes("abc"));
  CHECK_FALSE(rules({"a?c"}).excludes("a/c"));
  CHECK(rules({"[a-c]x"}).excludes("bx"));
  CHECK_FALSE(rules({"[a-c]x"}).excludes("dx"));
  CHECK(rules({"[^a]x"}).excludes("bx"));
  CHECK_FALSE(rules({"[^a]x"}).excludes("ax"));
  CHECK(rules({"a\\*b"}).excludes("a*b"));
  CHECK_FALSE(rules({"a\\*b"}).excludes("axb"));
  // Unlike a shell, `*` matches a leading dot.
  CHECK(rules({"*"}).excludes(".hidden"));
}

TEST_CASE("`!` brings paths back and the last matching pattern wins", "[exclude]") {
  const ExcludeRules readme = rules({"*.md", "!README.md"});
  CHECK(readme.excludes("CHANGES.md"));
  CHECK_FALSE(readme.excludes("README.md"));
  CHECK(readme.has_exceptions());

  CHECK(rules({"!README.md", "*.md"}).excludes("README.md"));

  const ExcludeRules docs = rules({"docs", "!docs/keep"});
  CHECK(docs.excludes("docs"));
  CHECK(docs.excludes("docs/other.txt"));
  CHECK_FALSE(docs.excludes("docs/keep"));
  CHECK_FALSE(docs.excludes("docs/keep/inner.txt"));

  CHECK_FALSE(rules({"a", "b"}).has_exceptions());
  CHECK(rules({}).empty());
  CHECK_THROWS_AS(rules({"!"}), Error);
  CHECK_THROWS_AS(rules({"!   "}), Error);
}

TEST_CASE("add_dockerignore skips comments and blank lines", "[exclude]") {
  TempDir dir;
  write_file(dir / ".dockerignore",
             "\xEF\xBB\xBF# a comment\n"
             "\n"
             "   \n"
             "*.log\r\n"
             "  # indented comment\n"
             "/tmp/\n"
             "!keep.log\n");
  ExcludeRules r;
  r.add_dockerignore(dir / ".dockerignore");
  CHECK(r.excludes("debug.log"));
  CHECK_FALSE(r.excludes("keep.log"));
  CHECK(r.excludes("tmp/x"));
  CHECK_FALSE(r.excludes("# a comment"));
  CHECK_FALSE(r.excludes("# indented comment"));

  ExcludeRules none;
  none.add_dockerignore(dir / "missing");
  CHECK(none.empty());
}

TEST_CASE("default_project_excludes drops caches and VCS data, and honours .dockerignore", "[exclude]") {
  TempDir dir;
  const ExcludeRules plain = default_project_excludes(dir.path());
  CHECK(plain.excludes(".git/config"));
  CHECK(plain.excludes("pkg/__pycache__/m.cpython-311.pyc"));
  CHECK(plain.excludes(".venv/bin/python"));
  CHECK(plain.excludes("dist/app.whl"));
  CHECK(plain.excludes(".tox"));
  CHECK(plain.excludes("pkg/stale.pyc"));
  CHECK(plain.excludes(".venv2docker/cache"));
  CHECK_FALSE(plain.excludes("pkg/module.py"));
  CHECK_FALSE(plain.excludes("build/lib/x.py"));

  write_file(dir / ".dockerignore", "*.secret\n!dist\n");
  const ExcludeRules custom = default_project_excludes(dir.path());
  CHECK(custom.excludes("key.secret"));
  CHECK_FALSE(custom.excludes("dist/app.whl"));
}

TEST_CASE("exact_exclude_pattern matches its path and nothing else, glob characters and all", "[exclude]") {
  const std::string path = "lib/python3.11/site-packages/odd[1]*?\\name.pth";
  ExcludeRules rules;
  rules.add(exact_exclude_pattern(path));
  CHECK(rules.excludes(path));
  CHECK_FALSE(rules.excludes("lib/python3.11/site-packages/odd1xy\\name.pth"));
  CHECK_FALSE(rules.excludes("lib/python3.11/site-packages/other.pth"));
}
