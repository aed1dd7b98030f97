#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <map>

#include "temp_dir.h"
#include "util/error.h"
#include "venv_fixture.h"
#include "walk/tree_walk.h"

using namespace venv2docker;
using namespace venv2docker::test;
namespace fs = std::filesystem;

namespace {

std::map<std::string, LayerEntry> by_path(const std::vector<LayerEntry>& entries) {
  std::map<std::string, LayerEntry> map;
  for (const LayerEntry& entry : entries) map[entry.path] = entry;
  return map;
}

std::vector<LayerEntry> walk(const fs::path& source, const std::string& destination, std::vector<std::string>& warnings,
                             ExcludeRules excludes = {}, std::vector<fs::path> allowed = {}, unsigned threads = 0) {
  WalkOptions options;
  options.source = source;
  options.destination = destination;
  options.excludes = std::move(excludes);
  options.allowed_roots = std::move(allowed);
  options.threads = threads;
  return walk_tree(options, warnings);
}

// Every field, so that two walks can be compared entry by entry.
std::string describe(const LayerEntry& entry) {
  std::string text = entry.path + " kind=" + std::to_string(static_cast<int>(entry.kind)) +
                     " mode=" + std::to_string(entry.mode) + " link=" + entry.link_target + " source=" + entry.source +
                     " content=" + entry.content.value_or("(none)") + " size=" + std::to_string(entry.size);
  if (entry.source_stat) {
    const SourceStat& stat = *entry.source_stat;
    text += " stat=" + std::to_string(stat.size) + "," + std::to_string(stat.mtime_ns) + "," +
            std::to_string(stat.ctime_ns) + "," + std::to_string(stat.inode) + "," + std::to_string(stat.device);
  }
  return text;
}

std::vector<std::string> describe(const std::vector<LayerEntry>& entries) {
  std::vector<std::string> lines;
  for (const LayerEntry& entry : entries) lines.push_back(describe(entry));
  return lines;
}

// A unix socket bound at `path` (the file stays once the descriptor returned is
// closed): a file a walk must refuse, or never look at.
int bind_socket(const fs::path& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  REQUIRE(path.string().size() < sizeof address.sun_path);
  std::strcpy(address.sun_path, path.c_str());
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  return fd;
}

// The message of the error a walk throws, or "" when it does not.
std::string walk_error(const fs::path& source, std::vector<std::string>& warnings, unsigned threads) {
  try {
    walk(source, "/app", warnings, {}, {}, threads);
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

// Folders with files, links and names whose byte order differs from the
// component-wise order of their paths, deep and wide enough for a second
// thread to read part of it.
void write_tree(const fs::path& src, const fs::path& outside) {
  for (const char* name : {"a/b", "a-b", "a.b", "a0", "a/b-c", "a/b.c/d"}) write_file(src / name, name);
  for (int package = 0; package < 24; ++package) {
    const fs::path folder = src / "site-packages" / ("pkg" + std::to_string(package));
    for (int module = 0; module < 12; ++module) {
      const fs::path sub = folder / ("sub" + std::to_string(module % 3));
      write_file(sub / (std::to_string(module) + ".py"), std::string(static_cast<std::size_t>(module), 'x'));
    }
    fs::create_directories(folder / "empty");
  }
  fs::permissions(src / "site-packages/pkg3/sub1/1.py", fs::perms(0755));
  write_file(src / "cache/a", "");
  write_file(src / "cache/keep/b", "");
  write_file(src / "cache/keep/c.log", "");
  write_file(src / "excluded_entirely/x", "");
  write_file(outside / "secret", "s");
  const std::pair<fs::path, const char*> links[] = {{"../a/b", "relative_link"},
                                                    {src / "a0", "pkg5/absolute_inside"},
                                                    {outside / "secret", "pkg13/absolute_outside"},
                                                    {"missing", "pkg20/dangling"}};
  for (const auto& [target, link] : links) fs::create_symlink(target, src / "site-packages" / link);
}

bool mentions(const std::vector<std::string>& warnings, const std::string& text) {
  for (const std::string& warning : warnings) {
    if (warning.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("walk_tree lists files, folders and links under the destination, sorted", "[walk]") {
  TempDir dir;
  const fs::path src = dir / "src";
  write_file(src / "run.sh", "#!/bin/sh\necho hi\n");
  fs::permissions(src / "run.sh", fs::perms(0755));
  write_file(src / "pkg/data.txt", "12345");
  fs::permissions(src / "pkg/data.txt", fs::perms(0640));
  write_file(src / "pkg-b/x", "");
  fs::create_directories(src / "empty");
  fs::permissions(src / "empty", fs::perms(0700));

  std::vector<std::string> warnings;
  const auto entries = walk(src, "/opt/app/", warnings);

  std::vector<std::string> paths;
  for (const LayerEntry& entry : entries) paths.push_back(entry.path);
  // Component order: "pkg/..." comes right after "pkg", before "pkg-b".
  CHECK(paths == std::vector<std::string>{"/opt/app", "/opt/app/empty", "/opt/app/pkg", "/opt/app/pkg/data.txt",
                                          "/opt/app/pkg-b", "/opt/app/pkg-b/x", "/opt/app/run.sh"});
  const auto map = by_path(entries);
  CHECK(map.at("/opt/app").kind == EntryKind::directory);
  CHECK(map.at("/opt/app/empty").mode == 0700);
  CHECK(map.at("/opt/app/run.sh").kind == EntryKind::regular);
  CHECK(map.at("/opt/app/run.sh").mode == 0755);
  CHECK(map.at("/opt/app/run.sh").source == src / "run.sh");
  CHECK(map.at("/opt/app/pkg/data.txt").size == 5);
  CHECK(map.at("/opt/app/pkg/data.txt").mode == 0640);
  CHECK_FALSE(map.at("/opt/app/pkg/data.txt").content);
  CHECK(warnings.empty());
}

TEST_CASE("walk_tree keeps links as links and never follows them", "[walk]") {
  TempDir dir;
  const fs::path src = dir / "src";
  write_file(src / "sub/file", "x");
  write_file(dir / "outside/secret", "s");
  fs::create_symlink("sub/file", src / "relative");
  fs::create_symlink(src / "sub/file", src / "absolute_inside");
  fs::create_symlink(src / "sub", src / "linked_folder");
  fs::create_symlink("/usr/bin/env", src / "system");
  fs::create_symlink(dir / "outside/secret", src / "absolute_outside");
  fs::create_symlink("../outside/secret", src / "relative_outside");
  fs::create_symlink("missing", src / "dangling");

  std::vector<std::string> warnings;
  const auto map = by_path(walk(src, "/app", warnings, {}, {"/usr"}));

  CHECK(map.at("/app/relative").kind == EntryKind::symlink);
  CHECK(map.at("/app/relative").link_target == "sub/file");
  // An absolute link into the walked folder moves with it.
  CHECK(map.at("/app/absolute_inside").link_target == "/app/sub/file");
  CHECK(map.at("/app/linked_folder").kind == EntryKind::symlink);
  CHECK(map.at("/app/linked_folder").link_target == "/app/sub");
  CHECK(map.count("/app/linked_folder/file") == 0);
  // Allowed roots: kept silently.
  CHECK(map.at("/app/system").link_target == "/usr/bin/env");
  // Outside or dangling: kept as they are, and reported.
  CHECK(map.at("/app/absolute_outside").link_target == (dir / "outside/secret").string());
  CHECK(map.at("/app/relative_outside").link_target == "../outside/secret");
  CHECK(map.at("/app/dangling").link_target == "missing");
  CHECK(warnings.size() == 3);
  CHECK(mentions(warnings, (src / "absolute_outside").string()));
  CHECK(mentions(warnings, (src / "relative_outside").string()));
  CHECK(mentions(warnings, (src / "dangling").string()));
  CHECK_FALSE(mentions(warnings, (src / "system").string()));
}

TEST_CASE("walk_tree rewrites links written through the folder's real path", "[walk]") {
  TempDir dir;
  write_file(dir / "real/sub/file", "x");
  fs::create_directory_symlink(dir / "real", dir / "alias");
  // The link names the real path; the walk goes through the alias.
  fs::create_symlink(dir / "real/sub/file", dir / "real/link");
  std::vector<std::string> warnings;
  const auto map = by_path(walk(dir / "alias", "/app", warnings));
  CHECK(map.at("/app/link").link_target == "/app/sub/file");
  CHECK(warnings.empty());
}

TEST_CASE("walk_tree skips excluded paths, except what `!` brings back", "[walk]") {
  TempDir dir;
  const fs::path src = dir / "src";
  write_file(src / "keep.py", "");
  write_file(src / "debug.log", "");
  write_file(src / "cache/a", "");
  write_file(src / "cache/keep/b", "");
  write_file(src / "build/x", "");
  write_file(src / "pkg/__pycache__/m.pyc", "");

  ExcludeRules rules;
  for (const char* pattern : {"*.log", "cache", "!cache/keep", "build", "**/__pycache__"}) rules.add(pattern);
  std::vector<std::string> warnings;
  const auto map = by_path(walk(src, "/app", warnings, rules));

  CHECK(map.count("/app/keep.py"));
  CHECK_FALSE(map.count("/app/debug.log"));
  CHECK_FALSE(map.count("/app/cache/a"));
  CHECK(map.count("/app/cache"));  // it holds a kept path
  CHECK(map.count("/app/cache/keep/b"));
  CHECK_FALSE(map.count("/app/build"));
  CHECK(map.count("/app/pkg"));
  CHECK_FALSE(map.count("/app/pkg/__pycache__"));
}

TEST_CASE("walk_tree leaves out whiteout names with a warning each, and never looks inside", "[walk]") {
  TempDir dir;
  const fs::path src = dir / "src";
  for (const char* name : {"keep.py", ".wh.keep.py", "pkg/.wh..wh..opq", "pkg/mod.py", ".wh.folder/inside.py",
                           "excluded/.wh.x"}) {
    write_file(src / name, "");
  }
  // A whiteout folder is not looked into: what it holds, even a socket, stops nothing.
  ::close(bind_socket(src / ".wh.folder/sock"));
  ExcludeRules rules;
  rules.add("excluded");
  for (unsigned threads : {1u, 2u}) {
    INFO("threads " << threads);
    std::vector<std::string> warnings;
    const auto map = by_path(walk(src, "/app", warnings, rules, {}, threads));
    CHECK(map.count("/app/keep.py"));
    CHECK(map.count("/app/pkg/mod.py"));
    for (const auto& [path, entry] : map) CHECK(path.find(".wh.") == std::string::npos);
    const std::string why = " is named like an OCI whiteout (.wh.*), which would delete or hide files of the base "
                            "image; left out";
    CHECK(warnings == std::vector<std::string>{(src / ".wh.folder").string() + why,
                                               (src / ".wh.keep.py").string() + why,
                                               (src / "pkg/.wh..wh..opq").string() + why});
  }
}

TEST_CASE("walk_tree keeps __pycache__ unless told otherwise", "[walk]") {
  TempDir dir;
  write_file(dir / "src/pkg/__pycache__/m.cpython-311.pyc", "pyc");
  std::vector<std::string> warnings;
  CHECK(by_path(walk(dir / "src", "/app", warnings)).count("/app/pkg/__pycache__/m.cpython-311.pyc"));
}

TEST_CASE("walk_tree refuses what an image cannot hold, naming the file", "[walk]") {
  TempDir dir;
  const fs::path src = dir / "src";
  fs::create_directories(src);
  std::vector<std::string> warnings;

  SECTION("a fifo") {
    REQUIRE(::mkfifo((src / "pipe").c_str(), 0644) == 0);
    CHECK_THROWS_WITH(walk(src, "/app", warnings),
                      Catch::Contains((src / "pipe").string()) && Catch::Contains("fifo"));
  }
  SECTION("a socket") {
    const std::string path = (src / "sock").string();
    const int fd = bind_socket(path);
    CHECK_THROWS_WITH(walk(src, "/app", warnings), Catch::Contains(path) && Catch::Contains("socket"));
    ::close(fd);
  }
  SECTION("names and link targets that are not UTF-8 are kept as bytes") {
    write_file(src / "bad\xff", "");
    fs::create_symlink("caf\xe9", src / "latin1-link");
    const auto entries = walk(src, "/app", warnings);
    REQUIRE(entries.size() == 3);
    CHECK(entries[1].path == "/app/bad\xff");
    CHECK(entries[2].link_target == "caf\xe9");
  }
  SECTION("an excluded fifo is no problem") {
    REQUIRE(::mkfifo((src / "pipe").c_str(), 0644) == 0);
    ExcludeRules rules;
    rules.add("pipe");
    CHECK(walk(src, "/app", warnings, rules).size() == 1);
  }
  SECTION("an unreadable file") {
    if (::geteuid() == 0) {
      WARN("running as root: permissions cannot make a file unreadable");
    } else {
      write_file(src / "locked", "x");
      fs::permissions(src / "locked", fs::perms::none);
      CHECK_THROWS_WITH(walk(src, "/app", warnings), Catch::Contains((src / "locked").string()));
    }
  }
  SECTION("a source that is not a folder") {
    CHECK_THROWS_AS(walk(dir / "missing", "/app", warnings), Error);
  }
}

TEST_CASE("walk_tree lists a real venv as it is", "[walk]") {
  const fs::path venv = standard_venv().venv;
  std::vector<std::string> warnings;
  const fs::path interpreter = host_python_binary();
  const auto entries = walk(venv, "/opt/venv", warnings, {}, {interpreter.parent_path().parent_path()});
  const auto map = by_path(entries);

  CHECK(entries.front().path == "/opt/venv");
  CHECK(map.at("/opt/venv/pyvenv.cfg").source == venv / "pyvenv.cfg");
  CHECK(map.at("/opt/venv/bin/python").link_target == "python3");
  CHECK(map.at("/opt/venv/bin/python3").link_target == fs::read_symlink(venv / "bin/python3").string());
  CHECK(map.at("/opt/venv/lib64").link_target == "lib");
  CHECK(map.at("/opt/venv/bin/pip").mode == 0755);
  // Every regular file's size is its host file's.
  for (const LayerEntry& entry : entries) {
    if (entry.kind == EntryKind::regular) REQUIRE(entry.size == fs::file_size(entry.source));
  }
  CHECK(warnings.empty());
}

TEST_CASE("walk_tree lists the same entries and warnings on one thread or two", "[walk]") {
  TempDir dir;
  const fs::path src = dir / "src";
  write_tree(src, dir / "outside");
  ExcludeRules rules;
  for (const char* pattern : {"cache", "!cache/keep", "**/*.log", "excluded_entirely"}) rules.add(pattern);

  std::vector<std::string> one_thread_warnings;
  const auto one_thread = walk(src, "/opt/app", one_thread_warnings, rules, {}, 1);
  const auto map = by_path(one_thread);
  // Byte order of names, which is component order of the paths.
  const auto position = [&](const std::string& path) {
    return std::find_if(one_thread.begin(), one_thread.end(), [&](const LayerEntry& e) { return e.path == path; }) -
           one_thread.begin();
  };
  CHECK(position("/opt/app/a") < position("/opt/app/a/b"));
  CHECK(position("/opt/app/a/b.c/d") < position("/opt/app/a-b"));
  CHECK(position("/opt/app/a-b") < position("/opt/app/a.b"));
  CHECK(position("/opt/app/a.b") < position("/opt/app/a0"));
  std::vector<LayerEntry> sorted = one_thread;
  sort_entries(sorted);
  CHECK(describe(sorted) == describe(one_thread));
  // The exclusions, and the kept exception inside an excluded folder.
  CHECK(map.count("/opt/app/cache/keep/b"));
  CHECK_FALSE(map.count("/opt/app/cache/keep/c.log"));
  CHECK_FALSE(map.count("/opt/app/cache/a"));
  CHECK_FALSE(map.count("/opt/app/excluded_entirely"));
  CHECK(map.at("/opt/app/site-packages/pkg5/absolute_inside").link_target == "/opt/app/a0");
  CHECK(map.at("/opt/app/site-packages/pkg3/sub1/1.py").mode == 0755);
  REQUIRE(one_thread_warnings.size() == 2);
  CHECK(mentions({one_thread_warnings[0]}, "absolute_outside"));
  CHECK(mentions({one_thread_warnings[1]}, "dangling"));

  // Which thread reads which folder depends on timing: try a few times.
  for (int attempt = 0; attempt < 20; ++attempt) {
    std::vector<std::string> warnings;
    const auto two_threads = walk(src, "/opt/app", warnings, rules, {}, 2);
    REQUIRE(describe(two_threads) == describe(one_thread));
    REQUIRE(warnings == one_thread_warnings);
  }
}

TEST_CASE("walk_tree throws the first error in walk order on one thread or two", "[walk]") {
  TempDir dir;
  const fs::path src = dir / "src";
  write_tree(src, dir / "outside");
  // In walk order: pkg12, then pkg13's link that warns, pkg15, pkg20's link, pkg9.
  REQUIRE(::mkfifo((src / "site-packages/pkg12/sub0/pipe").c_str(), 0644) == 0);
  REQUIRE(::mkfifo((src / "site-packages/pkg9/pipe").c_str(), 0644) == 0);
  REQUIRE(::mkfifo((src / "site-packages/pkg15/pipe").c_str(), 0644) == 0);

  std::vector<std::string> one_thread_warnings;
  const std::string one_thread = walk_error(src, one_thread_warnings, 1);
  CHECK_THAT(one_thread, Catch::Contains((src / "site-packages/pkg12/sub0/pipe").string()) && Catch::Contains("fifo"));
  CHECK(one_thread_warnings.empty());
  for (int attempt = 0; attempt < 20; ++attempt) {
    std::vector<std::string> warnings;
    REQUIRE(walk_error(src, warnings, 2) == one_thread);
    REQUIRE(warnings.empty());
  }

  SECTION("with the warnings raised before it") {
    fs::remove(src / "site-packages/pkg12/sub0/pipe");
    std::vector<std::string> warnings_before_error;
    const std::string error = walk_error(src, warnings_before_error, 1);
    CHECK_THAT(error, Catch::Contains("fifo") && Catch::Contains("pkg15"));
    REQUIRE(warnings_before_error.size() == 1);
    CHECK(mentions(warnings_before_error, "absolute_outside"));
    for (int attempt = 0; attempt < 20; ++attempt) {
      std::vector<std::string> warnings;
      REQUIRE(walk_error(src, warnings, 2) == error);
      REQUIRE(warnings == warnings_before_error);
    }
  }
  SECTION("an unreadable folder") {
    if (::geteuid() == 0) {
      WARN("running as root: permissions cannot make a folder unreadable");
    } else {
      fs::permissions(src / "site-packages/pkg1/sub2", fs::perms::none);
      std::vector<std::string> warnings;
      const std::string error = walk_error(src, warnings, 1);
      CHECK_THAT(error, Catch::Contains("cannot read the folder " + (src / "site-packages/pkg1/sub2").string()));
      for (int attempt = 0; attempt < 20; ++attempt) REQUIRE(walk_error(src, warnings, 2) == error);
      fs::permissions(src / "site-packages/pkg1/sub2", fs::perms::owner_all);
    }
  }
}
