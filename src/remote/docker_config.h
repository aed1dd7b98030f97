// Where registry credentials come from, in the order docker, podman and
// skopeo users expect: containers auth.json files, docker's config.json
// (credHelpers, credsStore, auths), and the docker-credential-* helper
// protocol. Credentials never appear in messages; only where they came from.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace venv2docker {

struct Credentials {
  std::string username;
  std::string password;
  std::string identity_token;  // an OAuth2 refresh token (docker login to some registries)
  std::string registry_token;  // sent as the Bearer token as is
  std::string source;          // where they came from, for messages ("credential helper docker-credential-x")

  bool has_basic() const { return !username.empty() || !password.empty(); }
};

/// The environment credential lookup depends on (so tests can give their own).
struct CredentialEnvironment {
  std::string home;                // $HOME
  std::string docker_config;       // $DOCKER_CONFIG (a folder)
  std::string docker_auth_config;  // $DOCKER_AUTH_CONFIG (config.json content)
  std::string registry_auth_file;  // $REGISTRY_AUTH_FILE
  std::string xdg_runtime_dir;     // $XDG_RUNTIME_DIR
  std::string xdg_config_home;     // $XDG_CONFIG_HOME

  static CredentialEnvironment from_process();
};

/// One place credentials may be written: a file (or the DOCKER_AUTH_CONFIG
/// variable) and its JSON.
struct CredentialFile {
  std::string name;  // the path, or "$DOCKER_AUTH_CONFIG"
  nlohmann::json config;
  bool legacy = false;  // ~/.dockercfg: the auths map at the top level
};

/// The files to look in, in order (those that exist): $REGISTRY_AUTH_FILE,
/// $XDG_RUNTIME_DIR/containers/auth.json, $XDG_CONFIG_HOME (or
/// ~/.config)/containers/auth.json, $DOCKER_AUTH_CONFIG,
/// $DOCKER_CONFIG/config.json (or ~/.docker/config.json), ~/.dockercfg.
/// Throws Error naming a file that exists but is not valid JSON.
/// Throws Error naming `file.name` unless its document has the shape docker
/// and podman write: an object; auths (or, in a legacy file, the top level)
/// an object of objects whose fields are strings; credHelpers an object of
/// strings; credsStore a string. Works on any parsed bytes (fuzzing).
void check_credential_file_shape(const CredentialFile& file);

std::vector<CredentialFile> credential_files(const CredentialEnvironment& environment);

/// "https://index.docker.io/v1/", "http://host:5000/v2/" -> "docker.io",
/// "host:5000": the registry an auths key means (namespaced auth.json keys
/// like "quay.io/ns/repo" keep their path).
std::string normalize_auth_key(const std::string& key);

/// The server URL a credential helper knows a registry by: Docker Hub's
/// "https://index.docker.io/v1/", else "host[:port]".
std::string helper_server_url(const std::string& registry);

/// What one file says about `registry`/`repository`.
struct ConfigVerdict {
  std::optional<std::string> helper;       // ask docker-credential-<helper> first
  std::optional<Credentials> credentials;  // from auths (used when no helper, or the helper has none)
};

/// Precedence inside one file: credHelpers[registry] > credsStore > auths
/// (namespaced keys, longest prefix first, then the registry). An auths entry
/// may hold "auth" (base64 user:password, split at the first ':'),
/// "username"/"password", "identitytoken", "registrytoken"; an empty entry
/// means a helper holds it. Throws Error for a malformed "auth".
ConfigVerdict lookup_config(const CredentialFile& file, const std::string& registry, const std::string& repository);

/// Runs `docker-credential-<helper> get` with the server URL on stdin.
/// std::nullopt when the helper has nothing for it; throws Error naming the
/// helper and `registry` when it cannot run or fails.
std::optional<Credentials> run_credential_helper(const std::string& helper, const std::string& registry);

/// The first credentials any file (or its helper) holds for the registry.
std::optional<Credentials> find_credentials(const std::string& registry, const std::string& repository,
                                            const CredentialEnvironment& environment);

/// "user:password" (split at the first ':'). Throws UsageError naming `what`.
Credentials parse_user_password(const std::string& text, const std::string& what);

}  // namespace venv2docker
