#include <catch2/catch.hpp>
#include <string>

#include "debian/version.h"

using namespace venv2docker::debian;

namespace {

void check_before(const std::string& lower, const std::string& higher) {
  INFO(lower << " < " << higher);
  CHECK(compare_versions(lower, higher) < 0);
  CHECK(compare_versions(higher, lower) > 0);
}

void check_equal(const std::string& a, const std::string& b) {
  INFO(a << " == " << b);
  CHECK(compare_versions(a, b) == 0);
  CHECK(compare_versions(b, a) == 0);
}

}  // namespace

TEST_CASE("a tilde sorts before anything, even the end", "[debian][version]") {
  check_before("1.0~rc1", "1.0");
  check_before("1.0~~", "1.0~");
  check_before("1.0~~a", "1.0~");
  check_before("1.0~", "1.0");
  check_before("1.0~rc1", "1.0~rc2");
  check_before("2.36-9~bpo1", "2.36-9");
}

TEST_CASE("the epoch outranks everything else", "[debian][version]") {
  check_before("2.0", "1:0.9");
  check_before("1:9.9", "2:0.1");
  check_equal("1.0", "0:1.0");
  check_equal("0:1.0-1", "1.0-1");
  check_equal("00:1.0", "1.0");
}

TEST_CASE("revisions compare after the upstream version", "[debian][version]") {
  check_before("1.0-1", "1.0-1+deb12u1");
  check_before("2.36-9", "2.36-9+deb12u4");
  check_before("2.36-9+deb12u3", "2.36-9+deb12u4");
  check_before("1.0-1", "1.0-2");
  check_before("1.0-9", "1.0-10");
  check_before("1.0", "1.0-1");  // no revision sorts as an empty one
  check_equal("1.0", "1.0-0");
  check_before("1.0-1", "1.0.1-1");
}

TEST_CASE("digit runs compare as numbers", "[debian][version]") {
  check_before("1.9", "1.10");
  check_before("9", "10");
  check_equal("1.01", "1.1");
  check_before("1.0", "1.0.1");
  check_before("123456789012345678901234567890", "123456789012345678901234567891");
}

TEST_CASE("letters sort before other characters", "[debian][version]") {
  check_before("1.0a", "1.0+");
  check_before("1.0a", "1.0.");
  check_before("1.0", "1.0a");
  check_before("1.0a", "1.0b");
  check_before("1.0Z", "1.0a");  // ASCII order among letters
  check_before("1.0+b1", "1.0.1");
  check_before("1.2.3+dfsg", "1.2.3+dfsg1");
}

TEST_CASE("real Debian 12 versions sort as apt sorts them", "[debian][version]") {
  check_before("1.6-2.1", "1.6-2.1+deb12u1");
  check_before("3.0.11-1~deb12u1", "3.0.11-1~deb12u2");
  check_before("3.0.11-1~deb12u2", "3.0.11-1");
  check_before("1:2.38.1-5", "1:2.38.1-5+deb12u1");
  check_before("252.22-1~deb12u1", "252.30-1~deb12u2");
  check_equal("2.36-9+deb12u4", "2.36-9+deb12u4");
}

TEST_CASE("well-formed versions are told from malformed ones", "[debian][version]") {
  for (const char* version : {"1.0", "1:2.3-4", "2.36-9+deb12u4", "1.0~rc1", "1.2-3-4", "1:1:2", "0.9a+b~c.d"}) {
    INFO(version);
    CHECK(is_valid_version(version));
  }
  for (const char* version : {"", ":1.0", "a:1.0", "1:", "1.0-", "1.0 beta", "1.0_1", "1.0-1:2", "1.0-a/b", "-1"}) {
    INFO(version);
    CHECK_FALSE(is_valid_version(version));
  }
}
