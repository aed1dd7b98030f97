// A small HTTP client over libcurl for the registry session and the apt
// archive client: one request, one response, bodies streamed to a sink or
// kept in memory up to a cap. Easy handles are pooled, so connections (and
// TLS sessions) are reused across requests and threads. Redirects are NOT
// followed here: the caller decides where credentials may go. Nothing here
// logs anything.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "util/error.h"

namespace venv2docker {

/// Response headers, names lower-cased, in arrival order.
struct HttpHeaders {
  std::vector<std::pair<std::string, std::string>> items;

  /// The first header called `name` (any case), if any.
  std::optional<std::string> get(std::string_view name) const;
  std::vector<std::string> all(std::string_view name) const;
};

/// What to send: bytes in memory, or a range of a file (re-readable, so a
/// retry can send it again).
struct RequestBody {
  std::string bytes;
  std::optional<std::filesystem::path> file;
  std::uint64_t offset = 0;  // file only
  std::uint64_t length = 0;  // file only
  std::uint64_t size() const { return file ? length : bytes.size(); }
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::optional<RequestBody> body;
  /// Receives the body of a 2xx response; return false to stop the transfer.
  /// Unset: a 2xx body is kept in HttpResponse::body, at most `max_body` bytes.
  std::function<bool(const char*, std::size_t)> sink;
  /// Cap on a body kept in memory (and on error bodies, which are always kept).
  std::size_t max_body = std::size_t{1} << 20;
  /// Verify the server's certificate (off only for --insecure-registry).
  bool verify_tls = true;
  /// PEM text of the CAs to trust; empty means the system's.
  const std::string* ca_pem = nullptr;
  /// Called with the bytes sent so far while a body uploads.
  std::function<void(std::uint64_t)> upload_progress;
};

struct HttpResponse {
  long status = 0;
  HttpHeaders headers;
  std::string body;
  /// The body was longer than the cap and was cut (error bodies only; a 2xx
  /// body over its cap is an error).
  bool body_truncated = false;
};

/// Why a request got no HTTP answer (refused, reset, TLS failure, timeout, a
/// body over its cap, a sink that stopped the transfer).
struct TransportFailure {
  enum class Kind { connect, tls_handshake, tls_verify, interrupted, timeout, aborted_by_sink, too_large, other };
  Kind kind = Kind::other;
  std::string message;  // names the method and the URL as shown
  /// Worth another try (the connection broke, not the request).
  bool retriable() const { return kind == Kind::connect || kind == Kind::interrupted || kind == Kind::timeout; }
};

/// An HTTP answer (any status), or why there was none. Getting none is an
/// outcome the caller acts on (another try, plain http), so it is a value;
/// the caller turns it into an Error when it is final.
class HttpOutcome {
 public:
  HttpOutcome(HttpResponse response) : m_value(std::move(response)) {}
  HttpOutcome(TransportFailure failure) : m_value(std::move(failure)) {}
  /// Why there is no answer; null when there is one.
  const TransportFailure* failure() const { return std::get_if<TransportFailure>(&m_value); }
  /// The answer; only when failure() is null.
  HttpResponse& response() { return std::get<HttpResponse>(m_value); }

 private:
  std::variant<HttpResponse, TransportFailure> m_value;
};

class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Performs one request. Any HTTP status is an answer; without one, the
  /// failure's message names the method and `shown_url` (a URL safe to
  /// print). Throws Error for a file body it cannot read.
  HttpOutcome perform(const HttpRequest& request, const std::string& shown_url) const;

 private:
  struct Pool;
  std::unique_ptr<Pool> m_pool;
};

/// The URL with its user info dropped and query values hidden except the
/// harmless ones (digest, mount, from, scope, service, n, last): upload
/// Locations and token URLs can carry secrets.
std::string redact_url(std::string_view url);

/// Resolves `location` (absolute, or relative as a Location header may be)
/// against `base`. Throws Error for something that is not an http(s) URL.
std::string resolve_url(const std::string& base, const std::string& location);

/// "scheme://host:port" of an http(s) URL, with the default port made
/// explicit, lower-cased: two URLs with the same origin may share credentials.
std::string url_origin(const std::string& url);

/// True for the statuses worth another try: 408, 429, 499, 500, 502, 503, 504, 522.
bool is_retriable_status(long status);

/// Percent-encodes for a query value or form field.
std::string url_encode(std::string_view text);

}  // namespace venv2docker
