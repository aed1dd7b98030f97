// When the registry session and the apt client try again, and how long they
// wait first.
#include <catch2/catch.hpp>

#include "net/retry_policy.h"

using namespace venv2docker;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

HttpResponse answer(long status, std::optional<std::string> retry_after = std::nullopt) {
  HttpResponse response;
  response.status = status;
  if (retry_after) response.headers.items.emplace_back("retry-after", *retry_after);  // names as parsed: lower case
  return response;
}

}  // namespace

TEST_CASE("Retry-After: seconds or an HTTP date") {
  std::time_t now = 1700000000;  // Tue, 14 Nov 2023 22:13:20 GMT
  CHECK(parse_retry_after("0", now) == seconds(0));
  CHECK(parse_retry_after(" 7 ", now) == seconds(7));
  CHECK(parse_retry_after("Tue, 14 Nov 2023 22:13:50 GMT", now) == seconds(30));
  CHECK(parse_retry_after("Tue, 14 Nov 2023 22:00:00 GMT", now) == seconds(0));
  CHECK_FALSE(parse_retry_after("", now));
  CHECK_FALSE(parse_retry_after("soon", now));
  CHECK_FALSE(parse_retry_after("-5", now));
}

TEST_CASE("retry policy: how many tries, and exponential backoff with jitter") {
  const RetryPolicy policy(4, milliseconds(250));
  CHECK(policy.has_retry_after(0));
  CHECK(policy.has_retry_after(2));
  CHECK_FALSE(policy.has_retry_after(3));  // the fourth try is the last
  CHECK_FALSE(RetryPolicy(1, milliseconds(250)).has_retry_after(0));
  CHECK_FALSE(RetryPolicy(0, milliseconds(250)).has_retry_after(0));  // never fewer than one try

  for (int sample = 0; sample < 50; ++sample) {
    for (unsigned attempt = 0; attempt < 4; ++attempt) {
      const auto expected = 250.0 * (1u << attempt);
      const auto wait = policy.backoff(attempt).count();
      INFO("attempt " << attempt << ": " << wait << " ms");
      CHECK(wait >= static_cast<long long>(0.8 * expected) - 1);
      CHECK(wait <= static_cast<long long>(1.2 * expected) + 1);
    }
  }
  CHECK(policy.backoff(30) <= seconds(30));  // capped, and no overflow
}

TEST_CASE("retry policy: a server's Retry-After decides the wait, within two minutes") {
  const RetryPolicy policy(4, milliseconds(250));
  CHECK(policy.wait_after(answer(503, "3"), 0) == milliseconds(3000));
  CHECK(policy.wait_after(answer(429, "0"), 2) == milliseconds(0));
  CHECK(policy.wait_after(answer(503, "120"), 0) == milliseconds(120000));
  CHECK_FALSE(policy.wait_after(answer(503, "121"), 0));  // give up and say so rather than hang
  // No header, or one that is neither seconds nor a date: the backoff.
  for (const auto& response : {answer(503), answer(503, "later")}) {
    const auto wait = policy.wait_after(response, 1);
    REQUIRE(wait);
    CHECK(*wait >= milliseconds(399));
    CHECK(*wait <= milliseconds(601));
  }
}

TEST_CASE("retry policy: which answers are final") {
  const RetryPolicy policy(3, milliseconds(250));
  CHECK_FALSE(policy.wait_before_retry(answer(404), 0));         // not worth repeating
  CHECK_FALSE(policy.wait_before_retry(answer(200), 0));
  CHECK_FALSE(policy.wait_before_retry(answer(503), 2));         // no try left
  CHECK_FALSE(policy.wait_before_retry(answer(429, "600"), 0));  // asks for longer than we wait
  CHECK(policy.wait_before_retry(answer(429, "1"), 1) == milliseconds(1000));
  const auto wait = policy.wait_before_retry(answer(502), 0);
  REQUIRE(wait);
  CHECK(*wait >= milliseconds(199));
  CHECK(*wait <= milliseconds(301));
}
