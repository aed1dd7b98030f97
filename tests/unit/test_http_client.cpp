// URL rules of the registry client: where credentials may go on a redirect
// (same scheme, host and port only), Location resolution, and what a URL
// shows in messages; and a request without an answer as a value.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/http_client.h"
#include "store/digest.h"
#include "util/error.h"

using namespace venv2docker;

TEST_CASE("origins: credentials follow a redirect only to the same scheme, host and port") {
  std::string registry = url_origin("https://registry.example:443/v2/a/blobs/x");
  CHECK(url_origin("https://registry.example/v2/other") == registry);  // default port made explicit
  CHECK(url_origin("https://REGISTRY.example/v2/") == registry);
  CHECK(url_origin("http://registry.example/v2/") != registry);        // scheme
  CHECK(url_origin("https://registry.example:5000/v2/") != registry);  // port
  CHECK(url_origin("https://storage.example/blob") != registry);       // host
  CHECK(url_origin("https://registry.example.evil.com/") != registry);
  CHECK(url_origin("https://registry.example@evil.com/") != registry);  // user info is not the host
  CHECK(url_origin("http://127.0.0.1:5000/v2/") == "http://127.0.0.1:5000");
}

TEST_CASE("Location headers resolve against the request URL, keeping their query") {
  std::string base = "https://r.example/v2/app/blobs/uploads/";
  CHECK(resolve_url(base, "/v2/app/blobs/uploads/abc?_state=x") == "https://r.example/v2/app/blobs/uploads/abc?_state=x");
  CHECK(resolve_url(base, "abc") == "https://r.example/v2/app/blobs/uploads/abc");
  CHECK(resolve_url(base, "https://s3.example/bucket?sig=1") == "https://s3.example/bucket?sig=1");
  CHECK_THROWS_AS(resolve_url(base, "file:///etc/passwd"), Error);
  CHECK_THROWS_AS(resolve_url(base, "gopher://x/"), Error);
}

TEST_CASE("shown URLs hide secrets in queries and user info") {
  CHECK(redact_url("https://r.example/v2/a/blobs/uploads/u?_state=SECRET&digest=sha256:ab") ==
        "https://r.example/v2/a/blobs/uploads/u?_state=REDACTED&digest=sha256:ab");
  CHECK(redact_url("https://auth.example/token?service=s&scope=repository:a:pull&account=me&refresh_token=T") ==
        "https://auth.example/token?service=s&scope=repository:a:pull&account=REDACTED&refresh_token=REDACTED");
  CHECK(redact_url("https://user:pass@r.example/v2/") == "https://r.example/v2/");
  CHECK(redact_url("https://s3.example/b?X-Amz-Signature=abc#frag") == "https://s3.example/b?X-Amz-Signature=REDACTED");
  CHECK(redact_url("https://r.example/v2/") == "https://r.example/v2/");
}

TEST_CASE("blob and manifest URLs are built only from validated digests") {
  // What a hostile manifest could try to smuggle into a URL or file path.
  for (const char* bad : {"sha256:../../../../v2/other/manifests/latest", "sha256:abc?x=1", "sha512:aa",
                          "sha256:ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789"}) {
    CHECK_FALSE(Digest::parse(bad));
  }
  auto good = Digest::parse("sha256:" + std::string(64, 'a'));
  REQUIRE(good);
  std::string path = "/v2/app/blobs/" + good->str();
  CHECK(path.find("..") == std::string::npos);
  CHECK(url_encode("repository:a/b:pull,push") == "repository%3Aa%2Fb%3Apull%2Cpush");
  CHECK(url_encode("a b&c=d") == "a%20b%26c%3Dd");
}

TEST_CASE("no answer is an outcome, not an exception: a refused connection says why") {
  // A loopback port that was free a moment ago: nothing listens there.
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(listener >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  ::close(listener);
  const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/v2/";

  HttpClient client;
  HttpRequest request;
  request.url = url;
  HttpOutcome outcome = client.perform(request, url);
  REQUIRE(outcome.failure() != nullptr);
  CHECK(outcome.failure()->kind == TransportFailure::Kind::connect);
  CHECK(outcome.failure()->retriable());
  CHECK(outcome.failure()->message.starts_with("GET " + url + ": "));
}
