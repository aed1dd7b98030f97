#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "util/lexical_path.h"

using namespace venv2docker;

TEST_CASE("lexical path: joined_lexically_normal is lexically_normal of the join", "[lexical_path]") {
  const std::string site = "/opt/venv/lib/python3.11/site-packages";
  for (const std::string relative :
       {"pkg/mod.py", "../../../bin/tool", "pkg/./mod.py", "pkg//mod.py", "./pkg", ".hidden/x", "pkg/.hidden",
        "pkg/..", "pkg/", "a/b/../../c", "/absolute/x", "..", "", "pkg/..data/x", "p-1.0.dist-info/RECORD"}) {
    INFO("'" << relative << "'");
    CHECK(joined_lexically_normal(site, relative) ==
          std::filesystem::path(site + "/" + relative).lexically_normal().generic_string());
  }
}
