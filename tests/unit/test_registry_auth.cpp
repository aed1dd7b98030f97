// Registry auth pieces that need no network: challenges, scopes, tokens,
// realm safety, loopback detection.
#include <catch2/catch.hpp>

#include <algorithm>
#include <thread>

#include "remote/registry_auth.h"
#include "util/base64.h"
#include "util/error.h"

using namespace venv2docker;

TEST_CASE("a Bearer challenge with quoted parameters") {
  auto challenges = parse_challenges(
      {R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/python:pull")"});
  REQUIRE(challenges.size() == 1);
  CHECK(challenges[0].scheme == "bearer");
  CHECK(challenges[0].param("realm") == "https://auth.docker.io/token");
  CHECK(challenges[0].param("service") == "registry.docker.io");
  CHECK(challenges[0].param("scope") == "repository:library/python:pull");
}

TEST_CASE("scheme and parameter names are case-insensitive; values keep their case") {
  auto challenges = parse_challenges({R"(BASIC Realm="My Registry")"});
  REQUIRE(challenges.size() == 1);
  CHECK(challenges[0].scheme == "basic");
  CHECK(challenges[0].param("realm") == "My Registry");
}

TEST_CASE("several challenges in one header and across headers") {
  auto challenges = parse_challenges({R"(Basic realm="r", Bearer realm="https://a/t", service="s")", "Negotiate"});
  REQUIRE(challenges.size() == 3);
  CHECK(challenges[0].scheme == "basic");
  CHECK(challenges[0].param("realm") == "r");
  CHECK(challenges[1].scheme == "bearer");
  CHECK(challenges[1].param("realm") == "https://a/t");
  CHECK(challenges[1].param("service") == "s");
  CHECK(challenges[2].scheme == "negotiate");
}

TEST_CASE("escaped quotes, commas inside quotes and unquoted values") {
  auto challenges = parse_challenges(
      {R"(Bearer realm="https://x/token?a=1,b=2",error="insufficient_scope",scope="repository:a:pull,push",note="say \"hi\"", extra=plain)"});
  REQUIRE(challenges.size() == 1);
  CHECK(challenges[0].param("realm") == "https://x/token?a=1,b=2");
  CHECK(challenges[0].param("error") == "insufficient_scope");
  CHECK(challenges[0].param("scope") == "repository:a:pull,push");
  CHECK(challenges[0].param("note") == "say \"hi\"");
  CHECK(challenges[0].param("extra") == "plain");
}

TEST_CASE("garbage never throws") {
  CHECK_NOTHROW(parse_challenges({"", ",,,", "=\"", "Bearer realm=\"unterminated", "@@@ ###"}));
}

TEST_CASE("scopes: push first, actions merged, order kept") {
  ScopeSet scopes;
  scopes.add(push_scope("team/app"));
  scopes.add(pull_scope("library/python"));
  scopes.add(pull_scope("team/app"));
  CHECK(scopes.list() == std::vector<std::string>{"repository:team/app:pull,push", "repository:library/python:pull"});
  ScopeSet wider;
  wider.add("repository:library/python:pull");
  CHECK(scopes.covers(wider));
  wider.add("repository:library/python:push");
  CHECK_FALSE(scopes.covers(wider));
  scopes.add("repository:library/python:push");
  CHECK(scopes.list()[1] == "repository:library/python:pull,push");
  CHECK(scopes.key() != ScopeSet{}.key());
}

TEST_CASE("token answers: token or access_token, expiry default 60 s") {
  auto now = std::chrono::steady_clock::now();
  Token a = parse_token_response(R"({"token":"abc","expires_in":300})", now, "svc");
  CHECK(a.value == "abc");
  CHECK(a.expires == now + std::chrono::seconds(300));
  Token b = parse_token_response(R"({"access_token":"xyz"})", now, "svc");
  CHECK(b.value == "xyz");
  CHECK(b.expires == now + std::chrono::seconds(60));
  CHECK_THROWS_WITH(parse_token_response(R"({"nothing":1})", now, "the token service"),
                    Catch::Contains("the token service"));
  CHECK_THROWS_AS(parse_token_response("<html>", now, "svc"), Error);
}

TEST_CASE("token cache: by key, dropped before expiry") {
  TokenCache cache;
  auto now = std::chrono::steady_clock::now();
  cache.put("k", Token{"t", now + std::chrono::seconds(100)});
  CHECK(cache.get("k", now) == std::optional<std::string>("t"));
  CHECK_FALSE(cache.get("other", now));
  // Within the safety margin of the expiry: gone.
  CHECK_FALSE(cache.get("k", now + std::chrono::seconds(95)));
  cache.put("k", Token{"t2", now + std::chrono::seconds(100)});
  cache.forget("k");
  CHECK_FALSE(cache.get("k", now));
}

TEST_CASE("loopback hosts and registry host names") {
  CHECK(is_loopback_host("localhost"));
  CHECK(is_loopback_host("LOCALHOST"));
  CHECK(is_loopback_host("registry.localhost"));
  CHECK(is_loopback_host("127.0.0.1"));
  CHECK(is_loopback_host("127.45.6.7"));
  CHECK(is_loopback_host("::1"));
  CHECK_FALSE(is_loopback_host("128.0.0.1"));
  CHECK_FALSE(is_loopback_host("10.0.0.1"));
  CHECK_FALSE(is_loopback_host("localhost.example.com"));
  CHECK_FALSE(is_loopback_host("ghcr.io"));
  CHECK(registry_host("localhost:5000") == "localhost");
  CHECK(registry_host("[::1]:5000") == "::1");
  CHECK(registry_host("ghcr.io") == "ghcr.io");
}

TEST_CASE("token realms: https, or http only for a plain-http registry; no private hosts of others") {
  CHECK_NOTHROW(check_token_realm("https://auth.docker.io/token", "docker.io", false));
  CHECK_THROWS_WITH(check_token_realm("http://auth.example.com/token", "example.com", false),
                    Catch::Contains("not https"));
  CHECK_NOTHROW(check_token_realm("http://127.0.0.1:9000/token", "127.0.0.1:5000", true));
  CHECK_THROWS_WITH(check_token_realm("https://127.0.0.1/token", "ghcr.io", false), Catch::Contains("private"));
  CHECK_THROWS_WITH(check_token_realm("https://192.168.1.10/token", "ghcr.io", false), Catch::Contains("private"));
  CHECK_THROWS_WITH(check_token_realm("https://169.254.169.254/latest", "ghcr.io", false), Catch::Contains("private"));
  CHECK_THROWS_AS(check_token_realm("file:///etc/passwd", "ghcr.io", false), Error);
}

#include "remote/registry_session.h"

TEST_CASE("registry answers are described with their error JSON, cut to size") {
  HttpResponse response;
  response.status = 404;
  response.body = R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"nope"}}]})";
  CHECK(describe_answer(response) == R"(404 (MANIFEST_UNKNOWN: manifest unknown {"Tag":"nope"}))");
  response.status = 502;
  response.body = "<html>\n<body>Bad gateway</body></html>";
  CHECK(describe_answer(response) == "502 (<html> <body>Bad gateway</body></html>)");
  response.body = std::string("\x1f\x8b\x08\x00", 4);
  CHECK(describe_answer(response) == "502");
  response.body = std::string(5000, 'x');
  CHECK(describe_answer(response).size() < 300);
}

TEST_CASE("which statuses are worth another try") {
  for (long status : {408, 429, 499, 500, 502, 503, 504, 522}) CHECK(is_retriable_status(status));
  for (long status : {200, 201, 202, 400, 401, 403, 404, 405, 413, 416, 501}) CHECK_FALSE(is_retriable_status(status));
}

namespace {

// A JWT as a token service writes it; the signature is never read.
std::string jwt_with_claims(const std::string& claims_json) {
  auto url_safe = [](std::string text) {
    while (!text.empty() && text.back() == '=') text.pop_back();
    std::replace(text.begin(), text.end(), '+', '-');
    std::replace(text.begin(), text.end(), '/', '_');
    return text;
  };
  return url_safe(base64_encode(R"({"alg":"RS256","typ":"JWT"})")) + "." + url_safe(base64_encode(claims_json)) +
         ".c2lnbmF0dXJl";
}

}  // namespace

TEST_CASE("a token's grants are read from its access claim, for the repository asked about") {
  const std::string token = jwt_with_claims(
      R"({"sub":"alice","access":[{"type":"repository","name":"library/python","actions":["pull"]},)"
      R"({"type":"repository","name":"team/app","actions":["pull","push"]},{"type":"registry","name":"catalog","actions":["*"]}]})");
  CHECK(token_grants(token, "team/app") == std::vector<std::string>{"pull", "push"});
  CHECK(token_grants(token, "library/python") == std::vector<std::string>{"pull"});
  CHECK(token_grants(token, "other/repo") == std::vector<std::string>{});
}

TEST_CASE("a token that does not list its grants says nothing about them") {
  CHECK_FALSE(token_grants("opaque-token-value", "team/app"));
  CHECK_FALSE(token_grants(jwt_with_claims(R"({"sub":"alice"})"), "team/app"));
  CHECK_FALSE(token_grants(jwt_with_claims(R"({"access":"everything"})"), "team/app"));
  CHECK_FALSE(token_grants("a.!!!not-base64!!!.b", "team/app"));
  CHECK_FALSE(token_grants(jwt_with_claims("[1, 2"), "team/app"));
  // Entries of the wrong shape are passed over, not trusted.
  CHECK(token_grants(jwt_with_claims(R"({"access":[7,{"type":"repository","name":"team/app","actions":"push"}]})"),
                     "team/app") == std::vector<std::string>{});
}
