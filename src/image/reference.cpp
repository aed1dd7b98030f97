#include "image/reference.h"

#include <algorithm>

#include "util/error.h"

namespace venv2docker {

namespace {

constexpr std::string_view k_docker_hub = "docker.io";
// Docker Hub's old "index" name: the same registry, so it normalises away.
constexpr std::string_view k_docker_hub_legacy = "index.docker.io";
// docker.io serves no API; this is where Docker's clients actually send requests.
constexpr std::string_view k_docker_hub_api = "registry-1.docker.io";
constexpr std::string_view k_official_prefix = "library/";
constexpr std::string_view k_localhost = "localhost";
// Registries and clients agree on 255 characters for registry + "/" + repository.
constexpr std::size_t k_max_name_length = 255;
constexpr std::size_t k_max_tag_length = 128;

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_alnum(char c) { return is_lower_alnum(c) || is_upper(c); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
// The regex class \w of the tag grammar: ASCII letters, digits, underscore.
bool is_word(char c) { return is_alnum(c) || c == '_'; }

bool has_upper(std::string_view text) {
  for (char c : text) {
    if (is_upper(c)) return true;
  }
  return false;
}

bool all_of(std::string_view text, bool (*predicate)(char)) {
  for (char c : text) {
    if (!predicate(c)) return false;
  }
  return true;
}

// One repository path component: runs of [a-z0-9] joined by exactly one of
// ".", "_", "__" or any number of "-" (so no leading, trailing or doubled
// dots, which could otherwise read as relative paths on some registries).
bool is_path_component(std::string_view text) {
  std::size_t i = 0;
  auto alnum_run = [&] {
    std::size_t start = i;
    while (i < text.size() && is_lower_alnum(text[i])) ++i;
    return i > start;
  };
  if (!alnum_run()) return false;
  while (i < text.size()) {
    if (text[i] == '.') {
      ++i;
    } else if (text[i] == '_') {
      ++i;
      if (i < text.size() && text[i] == '_') ++i;
    } else if (text[i] == '-') {
      while (i < text.size() && text[i] == '-') ++i;
    } else {
      return false;
    }
    if (!alnum_run()) return false;
  }
  return true;
}

// Every `separator`-separated piece of `text` (empty pieces included) passes.
template <typename Predicate>
bool every_piece(std::string_view text, char separator, Predicate piece_ok) {
  while (true) {
    auto at = text.find(separator);
    if (!piece_ok(text.substr(0, at))) return false;
    if (at == std::string_view::npos) return true;
    text.remove_prefix(at + 1);
  }
}

bool is_repository_path(std::string_view path) { return every_piece(path, '/', is_path_component); }

// A DNS-like label: letters (either case), digits and inner dashes.
bool is_host_label(std::string_view label) {
  if (label.empty() || !is_alnum(label.front()) || !is_alnum(label.back())) return false;
  return all_of(label, [](char c) { return is_alnum(c) || c == '-'; });
}

bool is_host_name(std::string_view host) { return every_piece(host, '.', is_host_label); }

// "[...]" with hex digits and colons inside; zone ids and mapped IPv4 forms
// are not accepted, as Docker does not accept them either.
bool is_ipv6_literal(std::string_view host) {
  if (host.size() < 3 || host.front() != '[' || host.back() != ']') return false;
  return all_of(host.substr(1, host.size() - 2), [](char c) { return is_hex(c) || c == ':'; });
}

// host[:port], where host is a host name, an IPv4 address (which is a host
// name grammatically) or a bracketed IPv6 literal.
bool is_registry(std::string_view registry) {
  std::size_t host_end;
  if (registry.starts_with('[')) {
    auto close = registry.find(']');
    if (close == std::string_view::npos) return false;
    host_end = close + 1;
  } else {
    host_end = std::min(registry.find(':'), registry.size());
  }
  std::string_view host = registry.substr(0, host_end);
  std::string_view port = registry.substr(host_end);
  if (!port.empty() && (port.size() < 2 || port.front() != ':' || !all_of(port.substr(1), is_digit))) return false;
  return host.starts_with('[') ? is_ipv6_literal(host) : is_host_name(host);
}

bool is_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > k_max_tag_length || !is_word(tag.front())) return false;
  return all_of(tag, [](char c) { return is_word(c) || c == '.' || c == '-'; });
}

// Docker refuses a bare 64-hex string as a name: it is an image ID.
bool is_image_id(std::string_view text) {
  return text.size() == 64 && all_of(text, [](char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); });
}

// Quotes a bounded prefix of user text in messages.
std::string quoted(std::string_view text) {
  constexpr std::size_t k_shown = 80;
  return "\"" + std::string(text.substr(0, k_shown)) + (text.size() > k_shown ? "...\"" : "\"");
}

// The first path component names a registry only when it cannot be a
// Docker Hub namespace: it has a dot or a colon (host name, IP, port), is
// "localhost", or has upper case (which namespaces never have).
bool names_registry(std::string_view first) {
  return first == k_localhost || first.find_first_of(".:") != std::string_view::npos || has_upper(first);
}

// Parses `text`; on failure returns std::nullopt and says why in `problem`.
std::optional<Reference> parse_reference(std::string_view text, std::string& problem) {
  if (text.empty()) {
    problem = "the reference is empty";
    return std::nullopt;
  }
  if (is_image_id(text)) {
    problem = "a bare 64-hex string is an image ID, not a repository name";
    return std::nullopt;
  }

  Reference out;
  std::string remainder;
  auto slash = text.find('/');
  if (slash != std::string_view::npos && names_registry(text.substr(0, slash))) {
    out.registry = std::string(text.substr(0, slash));
    remainder = std::string(text.substr(slash + 1));
    if (out.registry == k_docker_hub_legacy) out.registry = k_docker_hub;
  } else {
    out.registry = k_docker_hub;
    remainder = std::string(text);
  }
  if (!is_registry(out.registry)) {
    problem = "registry " + quoted(out.registry) + " is not a valid host name, IP address or [IPv6] with an optional :port";
    return std::nullopt;
  }
  // Official images live under library/ on Docker Hub, and only there.
  if (out.registry == k_docker_hub && remainder.find('/') == std::string::npos) {
    remainder.insert(0, k_official_prefix);
  }

  // Neither the repository nor the tag may hold '@', so the first one starts the digest.
  std::string_view rest = remainder;
  if (auto at = rest.find('@'); at != std::string_view::npos) {
    std::string_view digest = rest.substr(at + 1);
    rest = rest.substr(0, at);
    out.digest = Digest::parse(digest);
    if (!out.digest) {
      problem = digest.starts_with("sha256:") || digest.find(':') == std::string_view::npos
                    ? "digest " + quoted(digest) + " is not sha256: followed by 64 lowercase hex digits"
                    : "digest " + quoted(digest) + " uses an unsupported algorithm; only sha256 digests are supported";
      return std::nullopt;
    }
  }
  // The repository cannot hold ':' either (the registry's port is already split off).
  std::string_view repository = rest;
  if (auto colon = rest.find(':'); colon != std::string_view::npos) {
    repository = rest.substr(0, colon);
    std::string_view tag = rest.substr(colon + 1);
    if (!is_tag(tag)) {
      problem = "tag " + quoted(tag) +
                " is not valid: it takes 1 to 128 letters, digits, '_', '.' and '-', and cannot start with '.' or '-'";
      return std::nullopt;
    }
    out.tag = std::string(tag);
  }
  if (has_upper(repository)) {
    problem = "repository name " + quoted(repository) + " must be lowercase";
    return std::nullopt;
  }
  if (!is_repository_path(repository)) {
    problem = "repository name " + quoted(repository) +
              " is not valid: it takes lowercase letters and digits, separated by '.', '_', '__' or dashes, "
              "in components joined by single '/'";
    return std::nullopt;
  }
  out.repository = std::string(repository);
  if (out.registry.size() + 1 + out.repository.size() > k_max_name_length) {
    problem = "the name " + quoted(out.name()) + " is longer than 255 characters";
    return std::nullopt;
  }
  return out;
}

}  // namespace

std::optional<Reference> Reference::parse(std::string_view text) {
  std::string ignored;
  return parse_reference(text, ignored);
}

Reference Reference::parse_or_throw(std::string_view text, std::string_view what, std::string_view hint) {
  std::string problem;
  if (auto reference = parse_reference(text, problem)) return *std::move(reference);
  throw UsageError(std::string(what) + " " + quoted(text) + ": " + problem,
                   !hint.empty() ? std::string(hint)
                                 : "image references look like [REGISTRY/]NAME[:TAG][@sha256:DIGEST], "
                                   "e.g. python:3.11-slim or ghcr.io/owner/app:1.0");
}

std::string Reference::api_host() const {
  return registry == k_docker_hub ? std::string(k_docker_hub_api) : registry;
}

std::string Reference::name() const { return registry + "/" + repository; }

std::string Reference::full() const {
  std::string out = name();
  if (tag) out += ":" + *tag;
  if (digest) out += "@" + digest->str();
  return out;
}

std::string Reference::familiar() const {
  std::string out;
  if (registry == k_docker_hub) {
    out = repository;
    // "library/python" reads as "python", but a deeper "library/a/b" stays whole.
    if (out.starts_with(k_official_prefix) && out.find('/', k_official_prefix.size()) == std::string::npos) {
      out.erase(0, k_official_prefix.size());
    }
  } else {
    out = name();
  }
  if (tag) out += ":" + *tag;
  if (digest) out += "@" + digest->str();
  return out;
}

std::string Reference::tag_or_latest() const {
  if (tag) return *tag;
  // A digest pins the image: inventing a "latest" tag beside it would be wrong.
  return digest ? std::string() : std::string("latest");
}

}  // namespace venv2docker
