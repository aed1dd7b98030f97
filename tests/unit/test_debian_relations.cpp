#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "debian/relations.h"
#include "util/error.h"

using namespace venv2docker;
using namespace venv2docker::debian;

namespace {

std::vector<Alternatives> parse(std::string_view field, std::string_view arch = "amd64") {
  return parse_relations(field, arch, "test.Packages");
}

// The groups as text, one string per group: easy to compare whole.
std::vector<std::string> texts(const std::vector<Alternatives>& groups) {
  std::vector<std::string> out;
  for (const auto& group : groups) out.push_back(alternatives_text(group));
  return out;
}

}  // namespace

TEST_CASE("relations: groups, alternatives and version bounds", "[debian][relations]") {
  const auto groups = parse("libc6 (>= 2.34), libssl3 (>= 3.0.0) | libssl1.1, zlib1g");
  REQUIRE(groups.size() == 3);
  CHECK(groups[0].size() == 1);
  CHECK(groups[0][0].name == "libc6");
  CHECK(groups[0][0].op == VersionOp::greater_equal);
  CHECK(groups[0][0].version == "2.34");
  CHECK(groups[1].size() == 2);
  CHECK(groups[1][1].name == "libssl1.1");
  CHECK(groups[1][1].op == VersionOp::any);
  CHECK(texts(groups) == std::vector<std::string>{"libc6 (>= 2.34)", "libssl3 (>= 3.0.0) | libssl1.1", "zlib1g"});
}

TEST_CASE("relations: every operator, and the obsolete < and >", "[debian][relations]") {
  const auto groups = parse("a (<< 1), b (<= 1), c (= 1), d (>= 1), e (>> 1), f (< 1), g (> 1)");
  const std::vector<VersionOp> ops = {VersionOp::less,          VersionOp::less_equal, VersionOp::equal,
                                      VersionOp::greater_equal, VersionOp::greater,    VersionOp::less_equal,
                                      VersionOp::greater_equal};
  REQUIRE(groups.size() == ops.size());
  for (std::size_t i = 0; i < ops.size(); ++i) CHECK(groups[i][0].op == ops[i]);
  CHECK(groups[5][0].text() == "f (<= 1)");
  CHECK(groups[6][0].text() == "g (>= 1)");
}

TEST_CASE("relations: allows compares by Debian version order", "[debian][relations]") {
  const auto relation = [](std::string_view text) { return parse(text).front().front(); };
  CHECK(relation("a (>= 2.36)").allows("2.36-9+deb12u4"));
  CHECK_FALSE(relation("a (>= 99)").allows("2.36-9+deb12u4"));
  CHECK(relation("a (<< 1.0)").allows("1.0~rc1"));
  CHECK_FALSE(relation("a (<< 1.0)").allows("1.0"));
  CHECK(relation("a (<= 1.0)").allows("1.0"));
  CHECK(relation("a (= 1:1.0)").allows("1:1.0"));
  CHECK_FALSE(relation("a (= 1:1.0)").allows("1.0"));
  CHECK(relation("a (= 1.0)").allows("0:1.0"));
  CHECK(relation("a (>> 1.0)").allows("1.0+b1"));
  CHECK_FALSE(relation("a (>> 1.0)").allows("1.0"));
  CHECK(relation("a").allows("anything"));
}

TEST_CASE("relations: white space and line breaks anywhere", "[debian][relations]") {
  const auto groups = parse("  libc6(>=2.34) ,\n libgcc-s1\t(>=\n 3.0 )|\n libfoo ,");
  CHECK(texts(groups) == std::vector<std::string>{"libc6 (>= 2.34)", "libgcc-s1 (>= 3.0) | libfoo"});
  CHECK(parse("").empty());
  CHECK(parse(" \n ").empty());
}

TEST_CASE("relations: architecture qualifiers are kept", "[debian][relations]") {
  const auto groups = parse("python3:any (>= 3.11), libc6:native, gcc:amd64");
  REQUIRE(groups.size() == 3);
  CHECK(groups[0][0].name == "python3");
  CHECK(groups[0][0].arch_qualifier == "any");
  CHECK(groups[0][0].text() == "python3:any (>= 3.11)");
  CHECK(groups[1][0].arch_qualifier == "native");
  CHECK(groups[2][0].arch_qualifier == "amd64");
}

TEST_CASE("relations: architecture restrictions keep what is for the host", "[debian][relations]") {
  const std::string field =
      "a [amd64 arm64], b [!amd64], c [i386], d [!i386 !armel], e [linux-any], "
      "f [any-amd64], g [kfreebsd-any], x | y [i386]";
  CHECK(texts(parse(field, "amd64")) == std::vector<std::string>{"a", "d", "e", "f", "x"});
  CHECK(texts(parse(field, "i386")) == std::vector<std::string>{"b", "c", "e", "x | y"});
  CHECK(texts(parse(field, "kfreebsd-amd64")) == std::vector<std::string>{"b", "d", "f", "g", "x"});
  // A group whose every alternative is for other architectures disappears.
  CHECK(parse("a [i386] | b [armel]", "amd64").empty());
}

TEST_CASE("relations: build profiles are ignored", "[debian][relations]") {
  const auto groups = parse("debhelper-compat (= 13), python3-pytest <!nocheck>, foo [amd64] <!nocheck> <cross>");
  CHECK(texts(groups) == std::vector<std::string>{"debhelper-compat (= 13)", "python3-pytest", "foo"});
}

TEST_CASE("relations: malformed fields name their origin", "[debian][relations]") {
  for (const char* field : {"a (>= 1.0", "a (1.0)", "a (>= )", "a (>= 1 0)", "a,,b", "a | , b", "(>= 1)", "a [amd64",
                            "a [!amd64 i386]", "a []", "a <nocheck", "a b", "a:", "a (~= 1)"}) {
    INFO(field);
    try {
      parse(field);
      FAIL("no error for " << field);
    } catch (const Error& error) {
      CHECK_THAT(error.what(), Catch::Contains("test.Packages"));
    }
  }
}

TEST_CASE("relations: text() prints what Debian writes", "[debian][relations]") {
  Relation relation{"libc6", "", VersionOp::greater_equal, "99"};
  CHECK(relation.text() == "libc6 (>= 99)");
  relation.op = VersionOp::less;
  CHECK(relation.text() == "libc6 (<< 99)");
  CHECK(Relation{"jq", "", VersionOp::any, ""}.text() == "jq");
}
