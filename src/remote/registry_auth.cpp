#include "remote/registry_auth.h"
#include "net/curl_library.h"

#include <arpa/inet.h>
#include <curl/curl.h>

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "net/http_client.h"
#include "util/base64.h"
#include "util/error.h"
#include "util/text_util.h"

namespace venv2docker {

namespace {

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~/").find(c) != std::string_view::npos;
}

// A cursor over one header value.
struct Cursor {
  std::string_view text;
  std::size_t at = 0;

  bool done() const { return at >= text.size(); }
  void skip_space() {
    while (!done() && (text[at] == ' ' || text[at] == '\t')) ++at;
  }
  void skip_space_and_commas() {
    while (!done() && (text[at] == ' ' || text[at] == '\t' || text[at] == ',')) ++at;
  }
  std::string token() {
    std::size_t start = at;
    while (!done() && is_token_char(text[at])) ++at;
    return std::string(text.substr(start, at - start));
  }
  // Quoted string with backslash escapes; the cursor is on the opening quote.
  std::string quoted() {
    std::string out;
    ++at;
    while (!done() && text[at] != '"') {
      if (text[at] == '\\' && at + 1 < text.size()) ++at;
      out += text[at++];
    }
    if (!done()) ++at;
    return out;
  }
};

}  // namespace

std::vector<Challenge> parse_challenges(const std::vector<std::string>& header_values) {
  std::vector<Challenge> challenges;
  for (const auto& value : header_values) {
    Cursor cursor{value};
    cursor.skip_space_and_commas();
    while (!cursor.done()) {
      std::string scheme = cursor.token();
      if (scheme.empty()) {
        ++cursor.at;  // not a token character: skip it
        cursor.skip_space_and_commas();
        continue;
      }
      Challenge challenge{ascii_lower(scheme), {}};
      // Parameters: name=value pairs, comma-separated, until a token that is
      // not followed by '=' (the next challenge's scheme).
      cursor.skip_space();
      while (!cursor.done()) {
        std::size_t mark = cursor.at;
        cursor.skip_space_and_commas();
        std::string name = cursor.token();
        cursor.skip_space();
        if (name.empty() || cursor.done() || cursor.text[cursor.at] != '=') {
          cursor.at = mark;
          break;
        }
        ++cursor.at;
        cursor.skip_space();
        std::string param_value;
        if (!cursor.done() && cursor.text[cursor.at] == '"') {
          param_value = cursor.quoted();
        } else {
          param_value = cursor.token();
          // token68 padding ("abc==") belongs to the value.
          while (!cursor.done() && cursor.text[cursor.at] == '=') param_value += cursor.text[cursor.at++];
        }
        challenge.params[ascii_lower(name)] = param_value;
        cursor.skip_space();
      }
      challenges.push_back(std::move(challenge));
      cursor.skip_space_and_commas();
    }
  }
  return challenges;
}

void ScopeSet::add(const std::string& scope) {
  auto colon = scope.rfind(':');
  if (colon == std::string::npos || colon == 0) return;
  std::string resource = scope.substr(0, colon);
  std::vector<std::string> actions;
  std::string_view rest = std::string_view(scope).substr(colon + 1);
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string action(rest.substr(0, comma));
    if (!action.empty()) actions.push_back(action);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
  }
  for (auto& [name, existing] : m_entries) {
    if (name == resource) {
      for (const auto& action : actions) {
        if (std::find(existing.begin(), existing.end(), action) == existing.end()) existing.push_back(action);
      }
      return;
    }
  }
  m_entries.emplace_back(resource, actions);
}

std::vector<std::string> ScopeSet::list() const {
  std::vector<std::string> out;
  for (const auto& [resource, actions] : m_entries) {
    std::string text = resource + ":";
    for (std::size_t i = 0; i < actions.size(); ++i) text += (i ? "," : "") + actions[i];
    out.push_back(text);
  }
  return out;
}

std::string ScopeSet::key() const {
  std::string key;
  for (const auto& scope : list()) key += scope + " ";
  return key;
}

bool ScopeSet::covers(const ScopeSet& other) const {
  for (const auto& wanted : other.m_entries) {
    // Not a structured binding: clang before 16 (the fuzzing build's) cannot capture one.
    auto mine = std::find_if(m_entries.begin(), m_entries.end(), [&](const auto& e) { return e.first == wanted.first; });
    if (mine == m_entries.end()) return false;
    for (const auto& action : wanted.second) {
      if (std::find(mine->second.begin(), mine->second.end(), action) == mine->second.end()) return false;
    }
  }
  return true;
}

std::string pull_scope(const std::string& repository) { return "repository:" + repository + ":pull"; }
std::string push_scope(const std::string& repository) { return "repository:" + repository + ":pull,push"; }

Token parse_token_response(const std::string& body, std::chrono::steady_clock::time_point now,
                           const std::string& where) {
  nlohmann::json value = nlohmann::json::parse(body, nullptr, false);
  if (value.is_discarded() || !value.is_object()) throw Error(where + " answered something that is not JSON");
  std::string token;
  for (const char* key : {"token", "access_token"}) {
    if (value.contains(key) && value[key].is_string() && !value[key].get<std::string>().empty()) {
      token = value[key].get<std::string>();
      break;
    }
  }
  if (token.empty()) throw Error(where + " answered without a token");
  long long seconds = 60;
  if (value.contains("expires_in") && value["expires_in"].is_number_integer()) {
    seconds = std::max<long long>(value["expires_in"].get<long long>(), 1);
  }
  return Token{token, now + std::chrono::seconds(seconds)};
}

std::optional<std::vector<std::string>> token_grants(std::string_view token, const std::string& repository) {
  const auto first_dot = token.find('.');
  const auto second_dot = first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos) return std::nullopt;
  // base64url without padding, as JWTs are written.
  std::string claims_text(token.substr(first_dot + 1, second_dot - first_dot - 1));
  std::replace(claims_text.begin(), claims_text.end(), '-', '+');
  std::replace(claims_text.begin(), claims_text.end(), '_', '/');
  const std::optional<std::string> claims_json = base64_decode(claims_text);
  if (!claims_json) return std::nullopt;
  const nlohmann::json claims = nlohmann::json::parse(*claims_json, nullptr, false);
  if (claims.is_discarded() || !claims.is_object() || !claims.contains("access") || !claims["access"].is_array()) {
    return std::nullopt;
  }
  std::vector<std::string> actions;
  for (const auto& entry : claims["access"]) {
    if (!entry.is_object() || entry.value("type", nlohmann::json()) != "repository" ||
        entry.value("name", nlohmann::json()) != repository || !entry.contains("actions") ||
        !entry["actions"].is_array()) {
      continue;
    }
    for (const auto& action : entry["actions"]) {
      if (action.is_string()) actions.push_back(action.get<std::string>());
    }
  }
  return actions;
}

std::optional<std::string> TokenCache::get(const std::string& key, std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(m_mutex);
  auto found = m_tokens.find(key);
  if (found == m_tokens.end()) return std::nullopt;
  // Leave a margin so a token does not expire on its way to the registry.
  if (found->second.expires - std::chrono::seconds(10) <= now) {
    m_tokens.erase(found);
    return std::nullopt;
  }
  return found->second.value;
}

void TokenCache::put(const std::string& key, Token token) {
  std::lock_guard lock(m_mutex);
  m_tokens[key] = std::move(token);
}

void TokenCache::forget(const std::string& key) {
  std::lock_guard lock(m_mutex);
  m_tokens.erase(key);
}

std::string registry_host(std::string_view registry) {
  if (registry.starts_with("[")) {
    auto close = registry.find(']');
    return std::string(registry.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
  }
  auto colon = registry.find(':');
  // More than one ':' without brackets: a bare IPv6 address.
  if (colon != std::string_view::npos && registry.find(':', colon + 1) != std::string_view::npos) {
    return std::string(registry);
  }
  return std::string(registry.substr(0, colon));
}

bool is_loopback_host(std::string_view host) {
  std::string name = ascii_lower(host);
  if (name == "localhost" || name.ends_with(".localhost")) return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, name.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (::inet_pton(AF_INET6, name.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

namespace {

bool is_private_address(const std::string& host) {
  if (is_loopback_host(host)) return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    std::uint32_t a = ntohl(v4.s_addr);
    return (a >> 24) == 10 || (a >> 20) == ((172u << 4) | 1) || (a >> 16) == ((192u << 8) | 168) ||
           (a >> 16) == ((169u << 8) | 254) || a == 0;
  }
  in6_addr v6{};
  if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    return IN6_IS_ADDR_LINKLOCAL(&v6) || (v6.s6_addr[0] & 0xfe) == 0xfc || IN6_IS_ADDR_UNSPECIFIED(&v6);
  }
  return false;
}

}  // namespace

void check_token_realm(const std::string& realm, const std::string& registry, bool registry_is_plain_http) {
  std::string origin;
  try {
    origin = url_origin(realm);
  } catch (const Error&) {
    throw Error("registry " + registry + " names a token service that is not a URL: \"" + redact_url(realm) + "\"");
  }
  bool https = origin.starts_with("https://");
  if (!https && !(origin.starts_with("http://") && registry_is_plain_http)) {
    throw Error("registry " + registry + " sends clients for tokens to " + redact_url(realm) +
                ", which is not https; credentials are not sent there");
  }
  std::string rest = origin.substr(origin.find("://") + 3);
  std::string host = registry_host(rest.substr(0, rest.rfind(':')));
  if (is_private_address(host) && ascii_lower(host) != ascii_lower(registry_host(registry))) {
    throw Error("registry " + registry + " sends clients for tokens to " + redact_url(realm) +
                ", a private or loopback address of another host; credentials are not sent there");
  }
}

}  // namespace venv2docker
