// The pieces of registry authentication that need no network: parsing
// WWW-Authenticate challenges, building token scopes, reading token answers,
// caching tokens, and checking a token realm is safe to send credentials to.
// The distribution spec's token and OAuth2 documents and what docker,
// containerd, crane and skopeo do decide the rules.
#pragma once

#include <chrono>
#include <ctime>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace venv2docker {

struct Challenge {
  std::string scheme;                         // lower case: "basic", "bearer"
  std::map<std::string, std::string> params;  // keys lower case: realm, service, scope, error

  std::string param(const std::string& key) const {
    auto found = params.find(key);
    return found == params.end() ? std::string{} : found->second;
  }
};

/// Parses every challenge in the WWW-Authenticate header values (one header
/// may hold several, comma-separated; parameters may be quoted with
/// backslash escapes). Malformed parts are skipped, never thrown.
std::vector<Challenge> parse_challenges(const std::vector<std::string>& header_values);

/// Token scopes in the order they were first added, with the actions of the
/// same resource merged: "repository:a:pull" + "repository:a:push" gives
/// "repository:a:pull,push". Some registries only honour the first scope, so
/// the destination of a push goes in first.
class ScopeSet {
 public:
  /// Adds "type:name:action[,action]". Names may hold ':' (a registry port is
  /// never in a scope, but be lenient): the actions follow the last ':'.
  void add(const std::string& scope);
  std::vector<std::string> list() const;
  /// One string that identifies the set (for the token cache).
  std::string key() const;
  bool empty() const { return m_entries.empty(); }
  /// True when every action of `other` is already in this set.
  bool covers(const ScopeSet& other) const;

 private:
  std::vector<std::pair<std::string, std::vector<std::string>>> m_entries;
};

std::string pull_scope(const std::string& repository);
std::string push_scope(const std::string& repository);

struct Token {
  std::string value;
  std::chrono::steady_clock::time_point expires;
};

/// Reads a token service's JSON answer ("token" or "access_token",
/// "expires_in" seconds, default 60). Throws Error naming `where` when there
/// is no token.
Token parse_token_response(const std::string& body, std::chrono::steady_clock::time_point now,
                           const std::string& where);

/// The actions `token` grants on repository `repository`, when the token is a
/// JWT that lists them (the "access" claim of the distribution token spec,
/// which Docker Hub's and distribution's token services fill in); std::nullopt
/// for an opaque token or one without that claim. Only reads what the token
/// service says it granted, to fail before a long build: the signature is the
/// registry's to check. Never throws.
std::optional<std::vector<std::string>> token_grants(std::string_view token, const std::string& repository);

/// Tokens by realm, service and scope set, dropped a little before they expire.
class TokenCache {
 public:
  std::optional<std::string> get(const std::string& key, std::chrono::steady_clock::time_point now);
  void put(const std::string& key, Token token);
  void forget(const std::string& key);

 private:
  std::mutex m_mutex;
  std::map<std::string, Token> m_tokens;
};

/// "host" of "host", "host:port", "[::1]:port" (brackets removed).
std::string registry_host(std::string_view registry);

/// localhost, *.localhost, 127.0.0.0/8 and ::1: the hosts Docker lets speak
/// plain HTTP without being told.
bool is_loopback_host(std::string_view host);

/// Throws Error unless `realm` is a URL credentials may go to: https (http
/// only when the registry itself is spoken to over plain HTTP), and not a
/// loopback or private address unless the registry is on that same host.
void check_token_realm(const std::string& realm, const std::string& registry, bool registry_is_plain_http);

}  // namespace venv2docker
