#include <catch2/catch.hpp>

#include "store/digest.h"
#include "util/error.h"

using namespace venv2docker;

TEST_CASE("sha256 of known inputs") {
  CHECK(sha256_of("").str() == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_of("abc").str() == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("incremental hashing equals one-shot hashing") {
  Sha256 hash;
  hash.update("a");
  hash.update("bc");
  CHECK(hash.finish() == sha256_of("abc"));
}

TEST_CASE("digest parsing accepts only sha256 with 64 lowercase hex digits") {
  std::string good = "sha256:" + std::string(64, 'a');
  REQUIRE(Digest::parse(good));
  CHECK(Digest::parse(good)->hex() == std::string(64, 'a'));
  CHECK_FALSE(Digest::parse("sha256:" + std::string(64, 'A')));
  CHECK_FALSE(Digest::parse("sha256:" + std::string(63, 'a')));
  CHECK_FALSE(Digest::parse("sha512:" + std::string(64, 'a')));
  CHECK_FALSE(Digest::parse("sha256:../../../../etc/passwd" + std::string(37, 'a')));
  CHECK_FALSE(Digest::parse(""));
  CHECK_THROWS_AS(Digest::parse_or_throw("sha256:nope", "index.json"), Error);
  CHECK_THROWS_WITH(Digest::parse_or_throw("sha256:nope", "index.json"), Catch::Contains("index.json"));
}
