// util/path_index: every path found at its position, the first of equal
// paths, nothing for a path not indexed or a prefix of one; the index reads
// the paths where they are, so a path changed since is not found under its
// old name.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "util/path_index.h"

using namespace venv2docker;

TEST_CASE("path index: positions by path, the first of equal paths", "[path_index]") {
  std::vector<std::string> paths;
  for (int package = 0; package < 300; ++package) {
    for (int module = 0; module < 100; ++module) {
      paths.push_back("/opt/venv/lib/python3.11/site-packages/p" + std::to_string(package) + "/m" +
                      std::to_string(module) + ".py");
    }
  }
  paths.push_back(paths[12345]);  // a second entry at the same path
  paths.push_back("");
  const PathIndex index(paths.size(), [&](std::size_t i) { return std::string_view(paths[i]); });

  for (std::size_t i = 0; i + 2 < paths.size(); ++i) {
    const std::optional<std::size_t> found = index.find(paths[i]);
    REQUIRE(found);
    CHECK(*found == i);
  }
  CHECK(index.find("") == paths.size() - 1);
  CHECK_FALSE(index.find("/opt/venv/lib/python3.11/site-packages/p0"));
  CHECK_FALSE(index.find("/opt/venv/lib/python3.11/site-packages/p0/m100.py"));
  CHECK_FALSE(index.find("/opt/venv/lib/python3.11/site-packages/p0/m1.py/"));

  paths[7] = "/elsewhere";
  CHECK_FALSE(index.find("/opt/venv/lib/python3.11/site-packages/p0/m7.py"));
}

TEST_CASE("path index: an empty index finds nothing", "[path_index]") {
  const PathIndex index(0, [](std::size_t) { return std::string_view(); });
  CHECK_FALSE(index.find("/opt/venv"));
}
