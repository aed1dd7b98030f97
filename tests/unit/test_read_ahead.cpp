#include <catch2/catch.hpp>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "temp_dir.h"
#include "util/read_ahead.h"

using namespace venv2docker;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary);
  out << bytes;
}

}  // namespace

TEST_CASE("read ahead: files in order, whole, however small the budget", "[read_ahead]") {
  test::TempDir tmp;
  std::vector<std::string> paths;
  std::vector<std::string> contents;
  for (int folder = 0; folder < 3; ++folder) {
    const fs::path folder_path = tmp / std::string("d").append(std::to_string(folder));
    fs::create_directories(folder_path);
    for (int i = 0; i < 40; ++i) {
      paths.push_back((folder_path / std::string("f").append(std::to_string(i))).string());
      contents.push_back(std::string(static_cast<std::size_t>(i * 37 % 1000), static_cast<char>('a' + i % 26)));
      write(paths.back(), contents.back());
    }
  }
  for (std::size_t budget : {std::size_t{0}, std::size_t{1500}, std::size_t{1} << 20}) {
    INFO("budget " << budget);
    std::vector<ReadAheadFile> files;
    for (std::size_t i = 0; i < paths.size(); ++i) files.push_back({&paths[i], contents[i].size()});
    ReadAhead ahead(files, budget);
    for (std::size_t i = 0; i < paths.size(); ++i) {
      INFO(paths[i]);
      const ReadAheadResult result = ahead.next();
      CHECK(result.open_error == 0);
      CHECK(result.read_error == 0);
      CHECK(result.bytes == contents[i]);
    }
  }
}

TEST_CASE("read ahead: a file that grew or shrank shows it; one missing or a link is an open error", "[read_ahead]") {
  test::TempDir tmp;
  const std::string grew = (tmp / "grew").string();
  const std::string shrank = (tmp / "shrank").string();
  const std::string missing = (tmp / "missing").string();
  const std::string in_missing_folder = (tmp / "nowhere" / "file").string();
  const std::string link = (tmp / "link").string();
  const std::string after = (tmp / "after").string();
  write(grew, "0123456789");
  write(shrank, "0123");
  write(after, "still read");
  fs::create_symlink(grew, link);
  const std::vector<ReadAheadFile> files = {{&grew, 4},    {&shrank, 10}, {&missing, 3},
                                            {&in_missing_folder, 3}, {&link, 10}, {&after, 10}};
  ReadAhead ahead(files, 64);
  CHECK(ahead.next().bytes == "01234");  // one byte past the size expected: it grew
  CHECK(ahead.next().bytes == "0123");
  CHECK(ahead.next().open_error == ENOENT);
  CHECK(ahead.next().open_error == ENOENT);
  CHECK(ahead.next().open_error == ELOOP);  // never followed: the layer would hold another file's bytes
  const ReadAheadResult last = ahead.next();
  CHECK(last.open_error == 0);
  CHECK(last.bytes == "still read");
}

TEST_CASE("read ahead: stopped early, with files left unread, it ends", "[read_ahead]") {
  test::TempDir tmp;
  const std::string file = (tmp / "file").string();
  write(file, std::string(1000, 'x'));
  const std::vector<ReadAheadFile> files(10000, ReadAheadFile{&file, 1000});
  {
    ReadAhead ahead(files, 4096);
    CHECK(ahead.next().bytes.size() == 1000);
  }  // the destructor returns: the reader waiting for room is told to stop
  SUCCEED("the reader thread ended");
}
