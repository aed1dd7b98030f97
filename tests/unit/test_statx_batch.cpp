// StatxBatch answers as statx does, whether io_uring runs the lookups or the
// kernel refuses io_uring (as Docker's default seccomp profile does) and each
// name is stat'ed by itself, while it times the two ways and after it chose
// one; and a walk lists the same entries either way.
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstddef>
#include <functional>
#include <thread>

#include "store/source_stat.h"
#include "temp_dir.h"
#include "venv_fixture.h"
#include "walk/statx_batch.h"
#include "walk/tree_walk.h"

using namespace venv2docker;
using namespace venv2docker::test;
namespace fs = std::filesystem;

namespace {

// Runs `work` on a thread (and the threads it starts) for which
// io_uring_setup fails with ENOSYS, as under a seccomp profile that refuses
// io_uring; the rest of the process is untouched.
void without_io_uring(const std::function<void()>& work) {
  std::exception_ptr error;
  std::thread thread([&] {
    try {
      sock_filter filter[] = {
          BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
          BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
          BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
          BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      };
      sock_fprog program{static_cast<unsigned short>(sizeof filter / sizeof filter[0]), filter};
      REQUIRE(::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
      // Without SECCOMP_FILTER_FLAG_TSYNC: this thread only.
      REQUIRE(::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program) == 0);
      work();
    } catch (...) {
      error = std::current_exception();
    }
  });
  thread.join();
  if (error) std::rethrow_exception(error);
}

struct Answers {
  std::vector<struct statx> results;
  std::vector<int> errors;
  bool used_ring = false;
};

Answers stat_names(int folder, const std::vector<const char*>& names) {
  StatxBatch batch;
  Answers answers;
  batch.stat(folder, names, k_source_statx_mask, answers.results, answers.errors);
  answers.used_ring = batch.used_ring();
  return answers;
}

std::string describe(const struct statx& info) {
  const SourceStat stat = source_stat_of(info);
  return std::to_string(info.stx_mode) + " " + std::to_string(stat.size) + " " + std::to_string(stat.mtime_ns) + " " +
         std::to_string(stat.ctime_ns) + " " + std::to_string(stat.inode);
}

std::vector<std::string> describe(const std::vector<LayerEntry>& entries) {
  std::vector<std::string> lines;
  for (const LayerEntry& entry : entries) {
    std::string line = entry.path + " " + std::to_string(static_cast<int>(entry.kind)) + " " +
                       std::to_string(entry.mode) + " " + entry.link_target + " " + entry.source;
    if (entry.source_stat) line += " " + std::to_string(entry.source_stat->inode) + " " +
                                   std::to_string(entry.source_stat->ctime_ns);
    lines.push_back(line);
  }
  return lines;
}

// `count` files in `dir`, f0 to f<count-1>, each as long as its number: their names.
std::vector<std::string> files_of_each_size(const TempDir& dir, int count) {
  std::vector<std::string> names;
  for (int i = 0; i < count; ++i) {
    names.push_back("f" + std::to_string(i));
    write_file(dir / names.back(), std::string(static_cast<std::size_t>(i), 'x'));
  }
  return names;
}

}  // namespace

TEST_CASE("StatxBatch answers as statx does, through io_uring or one name at a time", "[walk]") {
  TempDir dir;
  // More names than the ring holds at once, of every kind, and one missing.
  std::vector<std::string> names = files_of_each_size(dir, 300);
  fs::create_directory(dir / "folder");
  fs::create_symlink("f1", dir / "link");
  names.insert(names.begin() + 150, {"folder", "link", "missing"});
  std::vector<const char*> c_names;
  for (const std::string& name : names) c_names.push_back(name.c_str());
  const int folder = ::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  REQUIRE(folder >= 0);

  const Answers ring = stat_names(folder, c_names);
  Answers refused;
  without_io_uring([&] { refused = stat_names(folder, c_names); });
  ::close(folder);

  // This kernel runs io_uring: the ring answered. Refused, it was not used.
  CHECK(ring.used_ring);
  CHECK_FALSE(refused.used_ring);
  for (const Answers* answers : {&ring, static_cast<const Answers*>(&refused)}) {
    REQUIRE(answers->results.size() == names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
      INFO(names[i]);
      struct statx expected {};
      const int expected_error =
          ::statx(AT_FDCWD, (dir / names[i]).c_str(), AT_SYMLINK_NOFOLLOW, k_source_statx_mask, &expected) == 0 ? 0
                                                                                                                  : errno;
      REQUIRE(answers->errors[i] == expected_error);
      if (expected_error == 0) CHECK(describe(answers->results[i]) == describe(expected));
    }
  }
  CHECK(ring.errors[152] == ENOENT);
  CHECK(S_ISLNK(ring.results[151].stx_mode));
  CHECK(S_ISDIR(ring.results[150].stx_mode));
}

TEST_CASE("StatxBatch answers as statx does while it times both ways and once it has chosen one", "[walk]") {
  TempDir dir;
  std::vector<std::string> names = files_of_each_size(dir, 40);
  names.push_back("missing");
  std::vector<const char*> c_names;
  for (const std::string& name : names) c_names.push_back(name.c_str());
  const int folder = ::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  REQUIRE(folder >= 0);
  std::vector<std::string> expected;
  for (const std::string& name : names) {
    struct statx info {};
    expected.push_back(::statx(folder, name.c_str(), AT_SYMLINK_NOFOLLOW, k_source_statx_mask, &info) == 0
                           ? describe(info)
                           : "error " + std::to_string(errno));
  }
  // The same batch, folder after folder: the trial's folders (the ring's turn
  // first), then as many after the verdict, whichever way it chose.
  StatxBatch batch;
  for (int folder_number = 0; folder_number < 40; ++folder_number) {
    INFO("folder " << folder_number);
    std::vector<struct statx> results;
    std::vector<int> errors;
    batch.stat(folder, c_names, k_source_statx_mask, results, errors);
    REQUIRE(results.size() == names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
      CHECK((errors[i] == 0 ? describe(results[i]) : "error " + std::to_string(errors[i])) == expected[i]);
    }
    if (folder_number == 0) CHECK(batch.used_ring());
  }
  ::close(folder);
}

TEST_CASE("a walk lists the same entries whether io_uring runs or is refused", "[walk]") {
  TempDir dir;
  const fs::path src = dir / "src";
  for (int package = 0; package < 4; ++package) {
    for (int module = 0; module < 40; ++module) {
      write_file(src / ("pkg" + std::to_string(package)) / ("m" + std::to_string(module) + ".py"), "x = 1\n");
    }
    fs::create_symlink("m0.py", src / ("pkg" + std::to_string(package)) / "link.py");
  }
  for (unsigned threads : {1u, 2u}) {
    INFO("threads " << threads);
    std::vector<std::string> warnings;
    const std::vector<LayerEntry> ring = walk_tree(WalkOptions{src, "/app", {}, {}, threads}, warnings);
    std::vector<LayerEntry> refused;
    without_io_uring([&] { refused = walk_tree(WalkOptions{src, "/app", {}, {}, threads}, warnings); });
    CHECK(ring.size() == 1 + 4 * (1 + 41));
    CHECK(describe(refused) == describe(ring));
    CHECK(warnings.empty());
  }
}
