#include <catch2/catch.hpp>
#include <string>

#include "debian/deb822.h"
#include "util/error.h"

using namespace venv2docker;
using namespace venv2docker::debian;

TEST_CASE("deb822: paragraphs, fields and continuation lines", "[debian][deb822]") {
  const auto paragraphs = parse_deb822(
      "Package: jq\n"
      "Version: 1.6-2.1\n"
      "Description: lightweight JSON processor\n"
      " jq is like sed for JSON data.\n"
      " .\n"
      "\tSecond paragraph.\n"
      "\n\n"
      "Package: libjq1\r\n"
      "Depends:\n"
      " libc6 (>= 2.34),\n"
      " libonig5\n",
      "Packages");
  REQUIRE(paragraphs.size() == 2);
  CHECK(paragraphs[0].get("Package") == "jq");
  CHECK(paragraphs[0].get("Description") ==
        "lightweight JSON processor\n jq is like sed for JSON data.\n .\n\tSecond paragraph.");
  CHECK(paragraphs[1].get("Package") == "libjq1");
  CHECK(paragraphs[1].get("Depends") == "\n libc6 (>= 2.34),\n libonig5");
  CHECK(value_lines(*paragraphs[1].get("Depends")) == std::vector<std::string>{"libc6 (>= 2.34),", "libonig5"});
}

TEST_CASE("deb822: field names are case-insensitive", "[debian][deb822]") {
  const auto paragraphs = parse_deb822("SHA256: abc\npackage: x\n", "Release");
  REQUIRE(paragraphs.size() == 1);
  CHECK(paragraphs[0].get("sha256") == "abc");
  CHECK(paragraphs[0].get("Package") == "x");
  CHECK_FALSE(paragraphs[0].get("Version"));
  CHECK(paragraphs[0].value_or_empty("Version").empty());
}

TEST_CASE("deb822: comments and blank lines of spaces", "[debian][deb822]") {
  const auto paragraphs = parse_deb822("# a .sources file\nTypes: deb\n   \n# next\nTypes: deb-src\n", "x.sources");
  REQUIRE(paragraphs.size() == 2);
  CHECK(paragraphs[1].get("Types") == "deb-src");
}

TEST_CASE("deb822: values keep colons and lose surrounding blanks", "[debian][deb822]") {
  const auto paragraphs = parse_deb822("URIs:   http://deb.debian.org/debian  \nVersion: 1:2.3-4\n", "x");
  CHECK(paragraphs[0].get("URIs") == "http://deb.debian.org/debian");
  CHECK(paragraphs[0].get("Version") == "1:2.3-4");
}

TEST_CASE("deb822: set replaces or appends, and text() writes it back", "[debian][deb822]") {
  auto paragraph = parse_deb822("Package: jq\nStatus: half-installed\nDepends:\n libc6\n", "status").front();
  paragraph.set("status", "install ok installed");
  paragraph.set("Size", "42");
  CHECK(paragraph.text() == "Package: jq\nStatus: install ok installed\nDepends:\n libc6\nSize: 42\n");
  CHECK(parse_deb822(paragraph.text(), "again").front().fields().size() == 4);
}

TEST_CASE("deb822: malformed lines name the origin and the line", "[debian][deb822]") {
  CHECK_THROWS_WITH(parse_deb822("Package: x\nnot a field\n", "dists/Packages"),
                    Catch::Contains("dists/Packages line 2"));
  CHECK_THROWS_WITH(parse_deb822(" continued\n", "status"), Catch::Contains("status line 1"));
  CHECK_THROWS_WITH(parse_deb822(": value\n", "status"), Catch::Contains("status line 1"));
}

TEST_CASE("deb822: empty text has no paragraphs", "[debian][deb822]") {
  CHECK(parse_deb822("", "x").empty());
  CHECK(parse_deb822("\n\n# only a comment\n", "x").empty());
}
