// Temporaries and their owners, with real processes: a child that made a
// temporary and exited leaves one the sweep removes; one that still runs, this
// process's own, and names of other tools are never touched. And the folder
// swap: a new folder moved in, an existing one exchanged, no half of either.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "temp_dir.h"
#include "util/atomic_file.h"
#include "util/temporary_path.h"

using namespace venv2docker;
namespace fs = std::filesystem;

namespace {

std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename().string());
  return names;
}

void write_file(const fs::path& file, const std::string& text) { std::ofstream(file) << text; }

// A child process that makes a temporary in `dir` and waits for a byte on
// `hold` before exiting (or exits at once without one).
struct Child {
  pid_t pid = -1;
  int release_fd = -1;
  std::string made;
};

Child child_making_temporary(const fs::path& dir, bool stay) {
  int made[2], hold[2];
  REQUIRE(::pipe(made) == 0);
  REQUIRE(::pipe(hold) == 0);
  Child child;
  child.pid = ::fork();
  REQUIRE(child.pid >= 0);
  if (child.pid == 0) {
    // Only the parent's ends stay open in the parent: the read below sees the
    // end of `hold` when the parent closes its end.
    ::close(made[0]);
    ::close(hold[1]);
    const std::string name = temporary_sibling(dir / "blob").filename().string();
    write_file(dir / name, "partial");
    (void)!::write(made[1], name.data(), name.size());
    ::close(made[1]);
    char byte;
    if (stay) (void)!::read(hold[0], &byte, 1);
    ::_exit(0);
  }
  ::close(made[1]);
  ::close(hold[0]);
  char buffer[512];
  ssize_t got = ::read(made[0], buffer, sizeof buffer);
  ::close(made[0]);
  REQUIRE(got > 0);
  child.made.assign(buffer, static_cast<std::size_t>(got));
  child.release_fd = hold[1];
  return child;
}

void end(Child& child) {
  ::close(child.release_fd);
  int status = 0;
  ::waitpid(child.pid, &status, 0);
}

}  // namespace

TEST_CASE("temporaries: the sweep removes only those whose process is gone", "[temporary-path]") {
  test::TempDir dir;
  Child gone = child_making_temporary(dir.path(), false);
  end(gone);
  Child running = child_making_temporary(dir.path(), true);
  TemporaryPath mine(dir / "record.cbor");
  write_file(mine.path(), "mine");
  // Other tools' names, and names that only look alike.
  for (const char* name : {".blob.tmp-1-2", "x.v2dtmp-1-2-3-4", ".y.v2dtmp-notapid-1-2-3", "plain"}) {
    write_file(dir / name, "theirs");
  }

  CHECK(is_dead_temporary(gone.made));
  CHECK_FALSE(is_dead_temporary(running.made));
  CHECK_FALSE(is_dead_temporary(mine.path().filename().string()));
  sweep_dead_temporaries(dir.path());
  std::set<std::string> kept = names_in(dir.path());
  CHECK_FALSE(kept.count(gone.made));
  CHECK(kept.count(running.made));
  CHECK(kept.count(mine.path().filename().string()));
  CHECK(kept.count(".blob.tmp-1-2"));
  CHECK(kept.count("x.v2dtmp-1-2-3-4"));
  CHECK(kept.count(".y.v2dtmp-notapid-1-2-3"));
  CHECK(kept.count("plain"));

  end(running);
  sweep_dead_temporaries(dir.path());
  CHECK_FALSE(names_in(dir.path()).count(running.made));
}

// Field 22 of /proc/self/stat, the start time, read independently of the code
// under test: what outlives a reused pid.
std::string own_start_time() {
  std::ifstream in("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  for (int number = 3; number <= 22; ++number) fields >> field;
  return field;
}

TEST_CASE("temporaries: names are unique, carry the owner, and go with it", "[temporary-path]") {
  test::TempDir dir;
  const std::string name = temporary_sibling(dir / "load.tar").filename().string();
  CHECK(name.starts_with(".load.tar.v2dtmp-" + std::to_string(::getpid()) + "-" + own_start_time() + "-"));
  std::set<fs::path> names;
  for (int i = 0; i < 100; ++i) names.insert(temporary_sibling(dir / "load.tar"));
  CHECK(names.size() == 100);
  fs::path made;
  {
    ScratchFolder scratch(dir.path(), "gpgv");
    made = scratch.path();
    write_file(made / "InRelease", "x");
    CHECK(made.parent_path() == dir.path());
  }
  CHECK_FALSE(fs::exists(made));
}

TEST_CASE("folder swap: moved in when absent, exchanged when present", "[temporary-path]") {
  test::TempDir dir;
  const fs::path target = dir / "unpacked";
  {
    AtomicDirectory fresh(target);
    write_file(fresh.path() / "one", "1");
    fresh.commit();
  }
  CHECK(names_in(target) == std::set<std::string>{"one"});
  {
    AtomicDirectory replacement(target);
    write_file(replacement.path() / "two", "2");
    replacement.commit();
  }
  CHECK(names_in(target) == std::set<std::string>{"two"});
  CHECK(names_in(dir.path()) == std::set<std::string>{"unpacked"});  // the old folder is gone
  {
    AtomicDirectory abandoned(target);
    write_file(abandoned.path() / "three", "3");
  }
  CHECK(names_in(target) == std::set<std::string>{"two"});
  CHECK(names_in(dir.path()) == std::set<std::string>{"unpacked"});
}
