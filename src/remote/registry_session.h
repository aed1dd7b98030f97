// One conversation with one registry: picks https or (loopback / insecure
// only) plain http, authenticates (Basic or Bearer tokens for a scope set),
// follows redirects without leaking credentials, retries transient failures,
// and turns failures into errors that say which request, which registry and
// what it answered. Safe to use from several threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "image/reference.h"
#include "net/http_client.h"
#include "net/retry_policy.h"
#include "remote/docker_config.h"
#include "remote/registry_auth.h"
#include "remote/registry_options.h"
#include "util/reporter.h"

namespace venv2docker {

/// The Reporter behind a mutex, for worker threads; progress adds up the
/// bytes of all transfers under one label.
class SharedReporter {
 public:
  SharedReporter(Reporter& reporter, std::string label) : m_reporter(reporter), m_label(std::move(label)) {}
  void detail(const std::string& message);
  void warning(const std::string& message);
  void add_progress(std::uint64_t bytes);
  void end_progress();

 private:
  Reporter& m_reporter;
  std::string m_label;
  std::mutex m_mutex;
  std::uint64_t m_bytes = 0;
};

struct RegistryRequest {
  std::string method = "GET";
  /// "/v2/..." on the registry, or an absolute URL (an upload Location).
  std::string target;
  std::vector<std::string> headers;
  std::optional<RequestBody> body;
  /// Receives a 2xx body (see HttpRequest::sink).
  std::function<bool(const char*, std::size_t)> sink;
  /// Called before every attempt, to reset what `sink` gathered.
  std::function<void()> before_attempt;
  std::size_t max_body = std::size_t{1} << 20;
  /// Safe to send more than once (false for a PATCH/PUT into an upload session).
  bool retry = true;
  /// For the hint when the registry refuses our credentials: a request that
  /// stands for a push (the access check) although its method reads.
  bool for_push = false;
  std::function<void(std::uint64_t)> upload_progress;
};

class RegistrySession {
 public:
  /// The one setup of a pull or a push: its own HTTP client, and `reporter`
  /// shared by its transfer threads under `label` ("pulling x"). `reference`
  /// names the registry and the main repository (for credential lookup);
  /// `scopes` is what the session's tokens ask for.
  RegistrySession(const Reference& reference, ScopeSet scopes, const RegistryOptions& options, Reporter& reporter,
                  std::string label);

  const std::string& registry() const { return m_registry; }
  /// The reporter every thread of this pull or push reports through.
  SharedReporter& reporter() { return m_reporter; }
  /// Sends the request (see RegistryRequest) and returns any HTTP answer.
  /// Throws Error when there is none after the retries, and when the registry
  /// refuses our credentials (or wants some and we have none).
  HttpResponse send(const RegistryRequest& request);
  /// send(), but a connection that kept breaking (worth a fresh start: a new
  /// upload session) is a failure returned, not an Error thrown.
  HttpOutcome try_send(const RegistryRequest& request);
  /// Asks, without sending anything else, whether our credentials may do
  /// `action` ("push") in `repository`: an authorised GET /v2/ (a password the
  /// registry or its token service refuses fails here, Basic and Bearer alike),
  /// then, when the token lists what it grants (a JWT with the distribution
  /// token spec's "access" claim), whether `action` is among the grants.
  /// Throws Error naming the registry, the repository and the credentials'
  /// source. A registry that wants no credentials passes.
  void check_access(const std::string& repository, const std::string& action);
  /// Throws Error: "<doing>: <METHOD> <url> to registry R answered <status> (<errors>)".
  [[noreturn]] void fail(const RegistryRequest& request, const HttpResponse& response, const std::string& doing);
  /// The full (redacted) URL of a target, for messages.
  std::string shown(const std::string& target);
  /// The full URL of a target ("/v2/..." on the registry, or as is); only
  /// valid after a first send().
  std::string absolute(const std::string& target);
  /// When to try again, and how long to wait first (RegistryOptions::attempts
  /// and retry_base_ms).
  const RetryPolicy& retry() const { return m_retry; }

 private:
  void connect();
  std::optional<std::string> authorization(bool force_new);
  std::string fetch_token(const Challenge& challenge, const ScopeSet& scopes);
  const Credentials* credentials();
  [[noreturn]] void refused(const RegistryRequest& request, const std::string& url, const HttpResponse& response);
  void note_warnings(const HttpResponse& response);

  std::string m_registry;
  std::string m_api_host;
  std::string m_repository;
  const RegistryOptions& m_options;
  HttpClient m_http;
  RetryPolicy m_retry;
  SharedReporter m_reporter;

  std::mutex m_mutex;  // guards everything below
  bool m_connected = false;
  std::string m_base;    // "https://host[:port]"
  std::string m_origin;  // url_origin(m_base)
  bool m_verify_tls = true;
  bool m_plain_http = false;
  std::string m_registry_ca_pem;  // system + certs.d + --ca-cert, or empty for the system's
  std::string m_general_ca_pem;   // system + --ca-cert (redirect targets), or empty
  std::optional<Challenge> m_challenge;
  ScopeSet m_scopes;
  bool m_credentials_looked_up = false;
  std::optional<Credentials> m_credentials;
  TokenCache m_tokens;
  std::set<std::string> m_warnings_shown;
};

/// "404 (MANIFEST_UNKNOWN: manifest unknown)" from a response's status and
/// its distribution-spec error JSON (or the start of a text body).
std::string describe_answer(const HttpResponse& response);

}  // namespace venv2docker
