#include "remote/registry_session.h"

#include <algorithm>
#include <ctime>
#include <map>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "util/base64.h"
#include "util/file_bytes.h"
#include "util/terminal_text.h"

namespace venv2docker {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// How a registry answered its /v2/ ping, kept for the rest of the process:
// a build opens a session for each push (the image, its SBOM, the referrers
// tag, the cache record) besides those that read the base and the records,
// and each would ping again (https first, parsing the CA bundle, then plain
// http for a loopback or listed registry). Keyed by everything the choice
// depends on; only answers that settled the way are kept. Sessions that
// connect at once (the base and the records are read on their own threads)
// ping one at a time, so the later ones take the first one's answer.
struct RegistryWay {
  std::string base;
  bool verify_tls = true;
  bool plain_http = false;
  std::optional<Challenge> challenge;
};

struct KnownWay {
  std::mutex pinging;               // held while one session pings
  std::optional<RegistryWay> way;   // read and written with `pinging` held
};

std::mutex g_ways_mutex;
std::map<std::string, KnownWay> g_ways;  // a map's nodes stay where they are

KnownWay& known_way(const std::string& key) {
  std::lock_guard lock(g_ways_mutex);
  return g_ways[key];
}

constexpr int k_max_redirects = 10;
// A registry's reason (an error's code, message or detail, a Warning) is one
// line; more would drown ours.
constexpr std::size_t k_max_registry_said = 300;
constexpr std::size_t k_max_token_body = std::size_t{1} << 20;

// Far above the system's bundle of every public CA.
constexpr std::size_t k_max_ca_file = std::size_t{64} << 20;

std::string read_text(const fs::path& path, const std::string& what) {
  return read_whole_file(path, k_max_ca_file, what);
}

std::string system_ca_bundle() {
  for (const char* path : {"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"}) {
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) return read_text(path, "the CA bundle");
  }
  return {};
}

// The CAs to trust: the system's plus `extra` files, or "" (the system's
// alone, libcurl's default) when there are no extras.
std::string ca_pem(const std::vector<fs::path>& extra) {
  if (extra.empty()) return {};
  std::string pem = system_ca_bundle();
  for (const auto& file : extra) {
    pem += '\n';
    pem += read_text(file, "the CA certificate");
  }
  return pem;
}

std::vector<fs::path> certs_d_files(const RegistryOptions& options, const std::string& registry) {
  std::vector<fs::path> files;
  for (const auto& dir : options.certs_dirs) {
    std::error_code ec;
    fs::path folder = dir / registry;
    if (!fs::is_directory(folder, ec)) continue;
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
      if (entry.path().extension() == ".crt") found.push_back(entry.path());
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

bool is_listed_insecure(const RegistryOptions& options, const std::string& registry) {
  std::string host = registry_host(registry);
  for (const auto& entry : options.insecure_registries) {
    if (entry == registry || entry == host) return true;
  }
  return false;
}

bool is_redirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

void SharedReporter::detail(const std::string& message) {
  std::lock_guard lock(m_mutex);
  m_reporter.detail(message);
}

void SharedReporter::warning(const std::string& message) {
  std::lock_guard lock(m_mutex);
  m_reporter.warning(message);
}

void SharedReporter::add_progress(std::uint64_t bytes) {
  std::lock_guard lock(m_mutex);
  m_bytes += bytes;
  m_reporter.progress(m_label, m_bytes);
}

void SharedReporter::end_progress() {
  std::lock_guard lock(m_mutex);
  m_reporter.end_progress();
}

std::string describe_answer(const HttpResponse& response) {
  std::string text = std::to_string(response.status);
  json body = json::parse(response.body, nullptr, false);
  std::string errors;
  if (!body.is_discarded() && body.is_object() && body.contains("errors") && body["errors"].is_array()) {
    for (const auto& error : body["errors"]) {
      if (!error.is_object()) continue;
      const auto text = [&](const char* key) {
        return error.contains(key) && error[key].is_string() ? error[key].get<std::string>() : std::string{};
      };
      std::string code = outside_text(text("code"), k_max_registry_said);
      std::string message = outside_text(text("message"), k_max_registry_said);
      errors += (errors.empty() ? "" : "; ") + code + (code.empty() || message.empty() ? "" : ": ") + message;
      if (error.contains("detail") && !error["detail"].is_null()) {
        // dump() escapes control characters as JSON does, but not C1 nor bytes that are not UTF-8.
        errors += " " + outside_text(error["detail"].dump(-1, ' ', false, json::error_handler_t::replace),
                                     k_max_registry_said);
      }
    }
  } else if (!response.body.empty()) {
    std::string start = response.body.substr(0, 200);
    std::replace_if(start.begin(), start.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
    bool printable = std::all_of(start.begin(), start.end(), [](unsigned char c) { return c >= 0x20 && c < 0x7f; });
    if (printable) errors = start + (response.body.size() > 200 ? "..." : "");
  }
  return errors.empty() ? text : text + " (" + errors + ")";
}

RegistrySession::RegistrySession(const Reference& reference, ScopeSet scopes, const RegistryOptions& options,
                                 Reporter& reporter, std::string label)
    : m_registry(reference.registry),
      m_api_host(reference.api_host()),
      m_repository(reference.repository),
      m_options(options),
      m_retry(options.attempts, std::chrono::milliseconds(options.retry_base_ms)),
      m_reporter(reporter, std::move(label)),
      m_scopes(std::move(scopes)) {}

std::string RegistrySession::absolute(const std::string& target) {
  if (target.starts_with("/")) return m_base + target;
  return target;
}

std::string RegistrySession::shown(const std::string& target) {
  if (target.starts_with("/")) {
    std::lock_guard lock(m_mutex);
    return redact_url((m_base.empty() ? "https://" + m_api_host : m_base) + target);
  }
  return redact_url(target);
}

const Credentials* RegistrySession::credentials() {
  // Called with m_mutex held.
  if (!m_credentials_looked_up) {
    m_credentials_looked_up = true;
    if (auto scoped = m_options.creds_by_registry.find(m_registry); scoped != m_options.creds_by_registry.end()) {
      m_credentials = parse_user_password(scoped->second, "--creds " + m_registry + "=...");
    } else if (m_options.creds && (m_options.creds_registry.empty() || m_options.creds_registry == m_registry)) {
      m_credentials = parse_user_password(*m_options.creds, "--creds");
    } else {
      m_credentials = find_credentials(m_registry, m_repository, CredentialEnvironment::from_process());
    }
    if (m_credentials) m_reporter.detail("credentials for " + m_registry + " from " + m_credentials->source);
  }
  return m_credentials ? &*m_credentials : nullptr;
}

void RegistrySession::connect() {
  std::lock_guard lock(m_mutex);
  if (m_connected) return;
  bool insecure = is_listed_insecure(m_options, m_registry);
  bool loopback = is_loopback_host(registry_host(m_registry));
  std::vector<fs::path> registry_cas = certs_d_files(m_options, m_registry);
  if (m_api_host != m_registry) {
    auto more = certs_d_files(m_options, m_api_host);
    registry_cas.insert(registry_cas.end(), more.begin(), more.end());
  }
  registry_cas.insert(registry_cas.end(), m_options.ca_certs.begin(), m_options.ca_certs.end());
  m_registry_ca_pem = ca_pem(registry_cas);
  m_general_ca_pem = ca_pem(m_options.ca_certs);
  // The CA files stand for the bundle made of them: the same files in one process, the same trust.
  std::string way_key = m_registry + '\n' + m_api_host + '\n' + (insecure ? "insecure" : "secure");
  for (const fs::path& file : registry_cas) way_key += '\n' + file.string();
  KnownWay& known = known_way(way_key);
  std::lock_guard pinging(known.pinging);
  if (known.way) {
    m_base = known.way->base;
    m_origin = url_origin(m_base);
    m_verify_tls = known.way->verify_tls;
    m_plain_http = known.way->plain_http;
    m_challenge = known.way->challenge;
    m_connected = true;
    return;
  }

  // Docker's order: https first; plain http only for loopback and listed
  // registries, and only when https does not work at all (a certificate that
  // fails verification is an error, not a reason to drop TLS).
  struct Way {
    std::string scheme;
    bool verify;
  };
  std::vector<Way> ways = {{"https", !insecure}};
  if (insecure || loopback) ways.push_back({"http", false});
  for (std::size_t i = 0; i < ways.size(); ++i) {
    std::string base = ways[i].scheme + "://" + m_api_host;
    HttpRequest ping;
    ping.url = base + "/v2/";
    ping.verify_tls = ways[i].verify;
    ping.ca_pem = &m_registry_ca_pem;
    ping.max_body = 64 << 10;
    HttpResponse response;
    bool last = i + 1 == ways.size();
    for (unsigned attempt = 0;; ++attempt) {
      HttpOutcome outcome = m_http.perform(ping, redact_url(ping.url));
      if (const auto* failure = outcome.failure()) {
        if (failure->kind == TransportFailure::Kind::tls_verify) {
          throw Error("cannot verify the TLS certificate of registry " + m_registry + ": " + failure->message,
                      "trust its CA with --ca-cert FILE or /etc/docker/certs.d/" + m_registry +
                          "/ca.crt, or (for a test registry only) --insecure-registry " + m_registry);
        }
        bool https_unspoken = !last && (failure->kind == TransportFailure::Kind::tls_handshake ||
                                        failure->kind == TransportFailure::Kind::interrupted ||
                                        failure->kind == TransportFailure::Kind::connect);
        if (https_unspoken) {
          response.status = 0;
          break;
        }
        if (failure->retriable() && m_retry.has_retry_after(attempt)) {
          std::this_thread::sleep_for(m_retry.backoff(attempt));
          continue;
        }
        std::string hint = "check the registry's name and port, and the network (https_proxy, no_proxy)";
        if (failure->kind == TransportFailure::Kind::tls_handshake && !loopback && !insecure) {
          hint = "if " + m_registry + " serves plain HTTP (a test registry only), pass --insecure-registry " + m_registry;
        }
        throw Error("cannot reach registry " + m_registry + ": " + failure->message, hint);
      }
      response = std::move(outcome.response());
      if (auto wait = m_retry.wait_before_retry(response, attempt)) {
        std::this_thread::sleep_for(*wait);
        continue;
      }
      break;
    }
    if (response.status == 0) continue;  // try the next way
    m_base = base;
    m_origin = url_origin(base);
    m_verify_tls = ways[i].verify;
    m_plain_http = ways[i].scheme == "http";
    if (response.status == 401) {
      for (const auto& challenge : parse_challenges(response.headers.all("www-authenticate"))) {
        if (challenge.scheme == "bearer" || challenge.scheme == "basic") {
          // Bearer wins over Basic when a registry offers both.
          if (!m_challenge || challenge.scheme == "bearer") m_challenge = challenge;
        }
      }
      if (!m_challenge) {
        throw Error("registry " + m_registry + " answered 401 to GET " + redact_url(ping.url) +
                    " without a Basic or Bearer challenge I can answer");
      }
    } else if (response.status >= 500) {
      throw Error("registry " + m_registry + " is not well: GET " + redact_url(ping.url) + " answered " +
                  describe_answer(response));
    }
    m_reporter.detail("registry " + m_registry + ": " + m_base +
                      (m_challenge ? " (" + m_challenge->scheme + " auth)" : " (no auth)"));
    known.way = RegistryWay{m_base, m_verify_tls, m_plain_http, m_challenge};
    m_connected = true;
    return;
  }
}

std::string RegistrySession::fetch_token(const Challenge& challenge, const ScopeSet& scopes) {
  // Called with m_mutex held.
  std::string realm = challenge.param("realm");
  if (realm.empty()) throw Error("registry " + m_registry + " asks for a Bearer token but names no token service");
  check_token_realm(realm, m_registry, m_plain_http);
  const Credentials* creds = credentials();
  if (creds && !creds->registry_token.empty()) return creds->registry_token;
  std::string service = challenge.param("service");
  std::string where = "the token service " + redact_url(realm) + " of registry " + m_registry;
  bool realm_is_registry = url_origin(realm) == m_origin;
  HttpRequest request;
  request.max_body = k_max_token_body;
  request.verify_tls = realm_is_registry ? m_verify_tls : true;
  request.ca_pem = realm_is_registry ? &m_registry_ca_pem : &m_general_ca_pem;

  auto perform = [&](const HttpRequest& r) {
    for (unsigned attempt = 0;; ++attempt) {
      HttpOutcome outcome = m_http.perform(r, redact_url(r.url));
      if (const auto* failure = outcome.failure()) {
        if (!failure->retriable() || !m_retry.has_retry_after(attempt)) {
          throw Error("cannot get a token for registry " + m_registry + ": " + failure->message);
        }
        std::this_thread::sleep_for(m_retry.backoff(attempt));
        continue;
      }
      if (auto wait = m_retry.wait_before_retry(outcome.response(), attempt)) {
        std::this_thread::sleep_for(*wait);
        continue;
      }
      return std::move(outcome.response());
    }
  };

  HttpResponse response;
  bool answered = false;
  if (creds && !creds->identity_token.empty()) {
    // OAuth2 refresh-token grant; servers without it answer 404/401/400/405,
    // and then the plain GET below is tried.
    request.method = "POST";
    request.url = realm;
    std::string form = "grant_type=refresh_token&refresh_token=" + url_encode(creds->identity_token) +
                       "&client_id=venv2docker&service=" + url_encode(service);
    std::string scope_text;
    for (const auto& scope : scopes.list()) scope_text += (scope_text.empty() ? "" : " ") + scope;
    if (!scope_text.empty()) form += "&scope=" + url_encode(scope_text);
    request.body = RequestBody{form, std::nullopt, 0, 0};
    request.headers = {"Content-Type: application/x-www-form-urlencoded"};
    response = perform(request);
    answered = !(response.status == 404 || response.status == 401 || response.status == 400 || response.status == 405);
  }
  if (!answered) {
    request = HttpRequest{};
    request.max_body = k_max_token_body;
    request.verify_tls = realm_is_registry ? m_verify_tls : true;
    request.ca_pem = realm_is_registry ? &m_registry_ca_pem : &m_general_ca_pem;
    std::string url = realm + (realm.find('?') == std::string::npos ? "?" : "&");
    bool first = true;
    auto add = [&](const std::string& key, const std::string& value) {
      url += (first ? "" : "&") + key + "=" + url_encode(value);
      first = false;
    };
    if (!service.empty()) add("service", service);
    for (const auto& scope : scopes.list()) add("scope", scope);
    if (creds && !creds->username.empty()) add("account", creds->username);
    request.url = url;
    if (creds && creds->has_basic()) {
      request.headers.push_back("Authorization: Basic " + base64_encode(creds->username + ":" + creds->password));
    }
    response = perform(request);
  }
  if (response.status == 401 || response.status == 403) {
    if (creds) {
      throw Error("registry " + m_registry + " refused the credentials from " + creds->source + " (" + where +
                      " answered " + describe_answer(response) + ")",
                  "check the user name and password (or log in again with docker login " + m_registry + ")");
    }
    throw Error("registry " + m_registry + " wants credentials and none were found (" + where + " answered " +
                    describe_answer(response) + ")",
                "log in (docker login " + m_registry + "), or pass --creds " + m_registry + "=USER:PASSWORD");
  }
  if (response.status != 200) {
    throw Error(where + " answered " + describe_answer(response) + " to " + request.method + " " +
                redact_url(request.url));
  }
  Token token = parse_token_response(response.body, std::chrono::steady_clock::now(), where);
  m_tokens.put(challenge.param("realm") + "|" + service + "|" + scopes.key(), token);
  return token.value;
}

std::optional<std::string> RegistrySession::authorization(bool force_new) {
  std::lock_guard lock(m_mutex);
  if (!m_challenge) return std::nullopt;
  if (m_challenge->scheme == "basic") {
    const Credentials* creds = credentials();
    if (!creds || !creds->has_basic()) {
      throw Error("registry " + m_registry + " wants a user name and password and none were found",
                  "log in (docker login " + m_registry + "), pass --creds " + m_registry + "=USER:PASSWORD, or set "
                  "VENV2DOCKER_REGISTRY_USER and VENV2DOCKER_REGISTRY_PASSWORD");
    }
    return "Basic " + base64_encode(creds->username + ":" + creds->password);
  }
  std::string key = m_challenge->param("realm") + "|" + m_challenge->param("service") + "|" + m_scopes.key();
  if (force_new) m_tokens.forget(key);
  if (auto cached = m_tokens.get(key, std::chrono::steady_clock::now())) return "Bearer " + *cached;
  return "Bearer " + fetch_token(*m_challenge, m_scopes);
}

void RegistrySession::note_warnings(const HttpResponse& response) {
  for (const auto& warning : response.headers.all("warning")) {
    // Only "299 - \"text\"" warnings are meant for people (distribution spec).
    if (!warning.starts_with("299")) continue;
    auto open = warning.find('"');
    auto close = warning.rfind('"');
    if (open == std::string::npos || close <= open) continue;
    std::string text = warning.substr(open + 1, close - open - 1);
    std::lock_guard lock(m_mutex);
    if (m_warnings_shown.insert(text).second) {
      m_reporter.warning("registry " + m_registry + ": " + outside_text(text, k_max_registry_said));
    }
  }
}

[[noreturn]] void RegistrySession::refused(const RegistryRequest& request, const std::string& url,
                                           const HttpResponse& response) {
  std::lock_guard lock(m_mutex);
  std::string what = request.method + " " + redact_url(url) + " answered " + describe_answer(response);
  // A HEAD or GET in a session made to push (is the blob or manifest there
  // already?) is part of the push: the account must be able to push.
  ScopeSet pushing;
  pushing.add(push_scope(m_repository));
  const bool reads = !request.for_push && !m_scopes.covers(pushing) && (request.method == "GET" || request.method == "HEAD");
  if (m_credentials) {
    throw Error("registry " + m_registry + " refused the credentials from " + m_credentials->source + ": " + what,
                "check the user name and password (docker login " + m_registry + "), and that this account may " +
                    (reads ? "pull from " : "push to ") + m_registry + "/" + m_repository);
  }
  throw Error("registry " + m_registry + " wants credentials and none were found: " + what,
              "log in (docker login " + m_registry + "), or pass --creds " + m_registry + "=USER:PASSWORD");
}

void RegistrySession::check_access(const std::string& repository, const std::string& action) {
  RegistryRequest ping;
  ping.target = "/v2/";
  ping.max_body = 64 << 10;
  ping.for_push = action == "push";
  HttpResponse response = send(ping);
  if (response.status != 200) fail(ping, response, "cannot check access to " + m_registry + "/" + repository);
  const std::optional<std::string> header = authorization(false);
  if (!header || !header->starts_with("Bearer ")) return;
  const auto grants = token_grants(header->substr(7), repository);
  if (!grants || std::find(grants->begin(), grants->end(), action) != grants->end()) return;
  std::string granted;
  for (const auto& grant : *grants) granted += (granted.empty() ? "" : ", ") + outside_text(grant, 40);
  std::lock_guard lock(m_mutex);
  const std::string whose = m_credentials ? "the credentials from " + m_credentials->source : "anonymous access";
  throw Error("registry " + m_registry + " does not let " + whose + " " + action + " to " + repository +
                  ": its token service granted " + (granted.empty() ? "nothing" : granted) + " there",
              "use an account that may " + action + " to " + m_registry + "/" + repository +
                  " (docker login " + m_registry + "), or choose another name with -n");
}

HttpResponse RegistrySession::send(const RegistryRequest& request) {
  HttpOutcome outcome = try_send(request);
  if (const auto* failure = outcome.failure()) throw Error(failure->message);
  return std::move(outcome.response());
}

HttpOutcome RegistrySession::try_send(const RegistryRequest& request) {
  connect();
  std::string url = absolute(request.target);
  std::string method = request.method;
  unsigned attempts = request.retry ? std::max(1u, m_options.attempts) : 1;
  bool renewed_auth = false;
  int redirects = 0;
  for (unsigned attempt = 0;;) {
    if (request.before_attempt) request.before_attempt();
    bool to_registry = url_origin(url) == m_origin;
    HttpRequest http;
    http.method = method;
    http.url = url;
    http.headers = request.headers;
    if (to_registry) {
      if (auto header = authorization(false)) http.headers.push_back("Authorization: " + *header);
    }
    http.body = request.body;
    http.sink = request.sink;
    http.max_body = request.max_body;
    http.verify_tls = to_registry ? m_verify_tls : true;
    http.ca_pem = to_registry ? &m_registry_ca_pem : &m_general_ca_pem;
    http.upload_progress = request.upload_progress;
    HttpOutcome outcome = m_http.perform(http, redact_url(url));
    if (const auto* failure = outcome.failure()) {
      if (failure->retriable() && attempt + 1 < attempts) {
        m_reporter.detail(failure->message + "; trying again");
        std::this_thread::sleep_for(m_retry.backoff(attempt++));
        continue;
      }
      if (failure->kind == TransportFailure::Kind::too_large ||
          failure->kind == TransportFailure::Kind::aborted_by_sink) {
        throw Error(failure->message + " (registry " + m_registry + ")");
      }
      TransportFailure final{failure->kind, "no answer from registry " + m_registry + " after " +
                                                std::to_string(attempt + 1) + (attempt ? " tries" : " try") + ": " +
                                                failure->message};
      if (failure->retriable()) return final;
      throw Error(final.message);
    }
    HttpResponse& response = outcome.response();
    m_reporter.detail(method + " " + redact_url(url) + " -> " + std::to_string(response.status));
    note_warnings(response);

    if (is_redirect(response.status)) {
      auto location = response.headers.get("location");
      if (!location || ++redirects > k_max_redirects) fail(request, response, "too many or empty redirects");
      std::string next = resolve_url(url, *location);
      if (url.starts_with("https:") && next.starts_with("http:") && !m_plain_http) {
        throw Error("registry " + m_registry + " redirected " + method + " " + redact_url(url) + " to plain http (" +
                    redact_url(next) + "); refusing to leave TLS");
      }
      if (response.status == 303) method = "GET";
      url = next;
      continue;
    }
    if (response.status == 401 && to_registry) {
      auto challenges = parse_challenges(response.headers.all("www-authenticate"));
      bool wider = false;
      {
        std::lock_guard lock(m_mutex);
        for (const auto& challenge : challenges) {
          // A token without the scope this request needs: ask for it too.
          if (challenge.scheme == "bearer" && challenge.param("error") == "insufficient_scope" &&
              !challenge.param("scope").empty()) {
            ScopeSet needed;
            std::string scope_text = challenge.param("scope");
            for (std::size_t start = 0; start < scope_text.size();) {
              auto space = scope_text.find(' ', start);
              needed.add(scope_text.substr(start, space == std::string::npos ? std::string::npos : space - start));
              if (space == std::string::npos) break;
              start = space + 1;
            }
            if (!m_scopes.covers(needed)) {
              for (const auto& scope : needed.list()) m_scopes.add(scope);
              wider = true;
            }
          }
          // A registry that answered the ping without auth may still want it here.
          if (!m_challenge && (challenge.scheme == "bearer" || challenge.scheme == "basic")) {
            m_challenge = challenge;
            wider = true;
          }
        }
      }
      if (!renewed_auth) {
        renewed_auth = true;
        if (!wider) authorization(true);  // perhaps the token expired: get a fresh one, once
        continue;
      }
      refused(request, url, response);
    }
    if (is_retriable_status(response.status) && attempt + 1 < attempts) {
      auto wait = m_retry.wait_after(response, attempt);
      if (!wait) {
        const auto asked = parse_retry_after(response.headers.get("retry-after").value_or(""), std::time(nullptr));
        fail(request, response, "the registry asks to wait " + std::to_string(asked ? asked->count() : 0) +
                                    " s (Retry-After), longer than venv2docker waits");
      }
      m_reporter.detail("registry " + m_registry + " answered " + std::to_string(response.status) + "; trying again in " +
                        std::to_string(wait->count()) + " ms");
      std::this_thread::sleep_for(*wait);
      ++attempt;
      continue;
    }
    return std::move(response);
  }
}

[[noreturn]] void RegistrySession::fail(const RegistryRequest& request, const HttpResponse& response,
                                        const std::string& doing) {
  throw Error(doing + ": " + request.method + " " + shown(request.target) + " to registry " + m_registry +
              " answered " + describe_answer(response));
}

}  // namespace venv2docker
