#include "remote/docker_config.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "util/base64.h"
#include "util/error.h"
#include "util/file_bytes.h"
#include "util/process.h"
#include "util/terminal_text.h"

namespace venv2docker {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::size_t k_max_config_size = std::size_t{4} << 20;
constexpr std::size_t k_max_helper_output = std::size_t{1} << 20;
// Enough for a helper's one-line reason, not for a page of its output.
constexpr std::size_t k_max_helper_said = 300;

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::optional<CredentialFile> read_credential_file(const fs::path& path, bool legacy = false) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  std::optional<std::string> text = read_file_bytes(path, k_max_config_size);
  if (!text) return std::nullopt;
  json config = json::parse(*text, nullptr, false);
  if (config.is_discarded() || !config.is_object()) {
    throw Error(path.string() + " is not valid JSON", "fix or remove it (it holds registry credentials)");
  }
  CredentialFile file{path.string(), std::move(config), legacy};
  check_credential_file_shape(file);
  return file;
}

std::string strip_scheme(const std::string& key) {
  for (const char* scheme : {"https://", "http://"}) {
    if (key.starts_with(scheme)) return key.substr(std::strlen(scheme));
  }
  return key;
}

bool is_docker_hub(const std::string& registry) {
  return registry == "docker.io" || registry == "index.docker.io" || registry == "registry-1.docker.io";
}

Credentials credentials_from_entry(const json& entry, const std::string& source, const std::string& key) {
  Credentials credentials;
  credentials.source = source;
  auto text = [&](const char* name) {
    return entry.contains(name) && entry[name].is_string() ? entry[name].get<std::string>() : std::string{};
  };
  if (std::string auth = text("auth"); !auth.empty()) {
    auto decoded = base64_decode(auth);
    auto colon = decoded ? decoded->find(':') : std::string::npos;
    if (!decoded || colon == std::string::npos) {
      throw Error("the \"auth\" of \"" + key + "\" in " + source + " is not base64 of user:password",
                  "log in again (docker login / podman login) to rewrite it");
    }
    credentials.username = decoded->substr(0, colon);
    credentials.password = decoded->substr(colon + 1);
  } else {
    credentials.username = text("username");
    credentials.password = text("password");
  }
  credentials.identity_token = text("identitytoken");
  credentials.registry_token = text("registrytoken");
  return credentials;
}

bool holds_something(const Credentials& credentials) {
  return credentials.has_basic() || !credentials.identity_token.empty() || !credentials.registry_token.empty();
}

// Runs `program get`, feeding `input` on stdin. Throws Error if it cannot start.
ProcessResult run_helper_program(const std::string& program, const std::string& input, const std::string& registry) {
  try {
    return run_process({program, "get"}, ChildEnvironment::credential_helper, k_max_helper_output, input + "\n");
  } catch (const Error& error) {
    throw Error("the credential helper " + program + " for registry " + registry + " cannot run: " + error.what(),
                "install " + program + " on PATH, or remove it from credsStore/credHelpers in your docker config");
  }
}

std::string first_line(std::string text) {
  auto newline = text.find('\n');
  if (newline != std::string::npos) text.erase(newline);
  return text;
}

}  // namespace

void check_credential_file_shape(const CredentialFile& file) {
  auto refuse = [&](const std::string& what) {
    throw Error(file.name + " is malformed: " + what, "fix or remove it (it holds registry credentials)");
  };
  const json& config = file.config;
  if (!config.is_object()) refuse("it is not a JSON object");
  auto entries_of_strings = [&](const json& entries, const std::string& name) {
    if (!entries.is_object()) refuse(name + " is not an object");
    for (const auto& [key, entry] : entries.items()) {
      if (!entry.is_object()) refuse("the entry \"" + key + "\" of " + name + " is not an object");
      for (const auto& [field, value] : entry.items()) {
        if (!value.is_string()) refuse("\"" + field + "\" of \"" + key + "\" in " + name + " is not a string");
      }
    }
  };
  if (file.legacy) {
    entries_of_strings(config, "the file");
    return;
  }
  if (config.contains("auths")) entries_of_strings(config["auths"], "auths");
  if (config.contains("credHelpers")) {
    if (!config["credHelpers"].is_object()) refuse("credHelpers is not an object");
    for (const auto& [key, helper] : config["credHelpers"].items()) {
      if (!helper.is_string()) refuse("the credHelpers entry \"" + key + "\" is not a string");
    }
  }
  if (config.contains("credsStore") && !config["credsStore"].is_string()) refuse("credsStore is not a string");
}

CredentialEnvironment CredentialEnvironment::from_process() {
  return CredentialEnvironment{env_or_empty("HOME"),         env_or_empty("DOCKER_CONFIG"),
                               env_or_empty("DOCKER_AUTH_CONFIG"), env_or_empty("REGISTRY_AUTH_FILE"),
                               env_or_empty("XDG_RUNTIME_DIR"), env_or_empty("XDG_CONFIG_HOME")};
}

std::vector<CredentialFile> credential_files(const CredentialEnvironment& environment) {
  std::vector<CredentialFile> files;
  auto add = [&](const fs::path& path, bool legacy = false) {
    if (auto file = read_credential_file(path, legacy)) files.push_back(std::move(*file));
  };
  if (!environment.registry_auth_file.empty()) add(environment.registry_auth_file);
  if (!environment.xdg_runtime_dir.empty()) add(fs::path(environment.xdg_runtime_dir) / "containers" / "auth.json");
  if (!environment.xdg_config_home.empty()) {
    add(fs::path(environment.xdg_config_home) / "containers" / "auth.json");
  } else if (!environment.home.empty()) {
    add(fs::path(environment.home) / ".config" / "containers" / "auth.json");
  }
  if (!environment.docker_auth_config.empty()) {
    json config = json::parse(environment.docker_auth_config, nullptr, false);
    if (config.is_discarded() || !config.is_object()) throw Error("$DOCKER_AUTH_CONFIG is not valid JSON");
    files.push_back(CredentialFile{"$DOCKER_AUTH_CONFIG", std::move(config), false});
    check_credential_file_shape(files.back());
  }
  if (!environment.docker_config.empty()) {
    add(fs::path(environment.docker_config) / "config.json");
  } else if (!environment.home.empty()) {
    add(fs::path(environment.home) / ".docker" / "config.json");
  }
  if (!environment.home.empty()) add(fs::path(environment.home) / ".dockercfg", true);
  return files;
}

std::string normalize_auth_key(const std::string& key) {
  std::string rest = strip_scheme(key);
  bool had_scheme = rest.size() != key.size();
  // Legacy docker keys carry an API path ("host/v1/"); containers auth.json
  // keys may carry a namespace ("quay.io/ns/repo"), which stays.
  if (had_scheme || rest.ends_with("/v1/") || rest.ends_with("/v2/") || rest.ends_with("/v1") || rest.ends_with("/v2")) {
    rest = rest.substr(0, rest.find('/'));
  }
  while (rest.ends_with("/")) rest.pop_back();
  std::string host = rest.substr(0, rest.find('/'));
  if (is_docker_hub(host)) rest = "docker.io" + rest.substr(host.size());
  return rest;
}

std::string helper_server_url(const std::string& registry) {
  return is_docker_hub(registry) ? "https://index.docker.io/v1/" : registry;
}

ConfigVerdict lookup_config(const CredentialFile& file, const std::string& registry, const std::string& repository) {
  ConfigVerdict verdict;
  const json& config = file.config;
  std::string wanted = is_docker_hub(registry) ? "docker.io" : registry;
  if (!file.legacy) {
    if (config.contains("credHelpers") && config["credHelpers"].is_object()) {
      for (const auto& [key, helper] : config["credHelpers"].items()) {
        if (helper.is_string() && !helper.get<std::string>().empty() && normalize_auth_key(key) == wanted) {
          verdict.helper = helper.get<std::string>();
        }
      }
    }
    if (!verdict.helper && config.contains("credsStore") && config["credsStore"].is_string() &&
        !config["credsStore"].get<std::string>().empty()) {
      verdict.helper = config["credsStore"].get<std::string>();
    }
  }
  const json* auths = file.legacy ? &config : (config.contains("auths") && config["auths"].is_object() ? &config["auths"] : nullptr);
  if (!auths) return verdict;
  // The longest matching key wins: "reg/ns/repo" over "reg/ns" over "reg".
  std::string path = wanted + "/" + repository;
  std::size_t best_length = 0;
  for (const auto& [key, entry] : auths->items()) {
    if (!entry.is_object()) continue;
    std::string normal = normalize_auth_key(key);
    bool matches = normal == wanted || normal == path || (path.starts_with(normal + "/") && normal.starts_with(wanted + "/"));
    if (!matches || normal.size() < best_length) continue;
    Credentials credentials = credentials_from_entry(entry, file.name, key);
    if (!holds_something(credentials)) continue;  // "{}": a helper holds it
    best_length = normal.size();
    verdict.credentials = std::move(credentials);
  }
  return verdict;
}

std::optional<Credentials> run_credential_helper(const std::string& helper, const std::string& registry) {
  std::string program = "docker-credential-" + helper;
  if (helper.find('/') != std::string::npos) {
    throw Error("the credential helper name \"" + helper + "\" for registry " + registry + " is not a plain name");
  }
  ProcessResult run = run_helper_program(program, helper_server_url(registry), registry);
  if (run.exit_code != 0) {
    // docker-credential-helpers print "credentials not found" on stdout; that
    // stream may also hold a secret, so it is read for this and never shown.
    if (run.out.find("credentials not found") != std::string::npos ||
        run.err.find("credentials not found") != std::string::npos) {
      return std::nullopt;
    }
    std::string said = outside_text(first_line(run.err), k_max_helper_said);
    throw Error("the credential helper " + program + " failed for registry " + registry + " (exit " +
                    std::to_string(run.exit_code) + ")" + (said.empty() ? "" : ": " + said),
                "log in again (docker login " + registry + "), or pass --creds USER:PASSWORD");
  }
  json answer = json::parse(run.out, nullptr, false);
  if (answer.is_discarded() || !answer.is_object()) {
    throw Error("the credential helper " + program + " for registry " + registry + " printed something that is not JSON");
  }
  Credentials credentials;
  credentials.source = "credential helper " + program;
  std::string username = answer.value("Username", std::string{});
  std::string secret = answer.value("Secret", std::string{});
  if (username == "<token>") {
    credentials.identity_token = secret;
  } else {
    credentials.username = username;
    credentials.password = secret;
  }
  if (!holds_something(credentials)) return std::nullopt;
  return credentials;
}

std::optional<Credentials> find_credentials(const std::string& registry, const std::string& repository,
                                            const CredentialEnvironment& environment) {
  for (const auto& file : credential_files(environment)) {
    ConfigVerdict verdict = lookup_config(file, registry, repository);
    if (verdict.helper) {
      if (auto credentials = run_credential_helper(*verdict.helper, registry)) return credentials;
    }
    if (verdict.credentials) return verdict.credentials;
  }
  return std::nullopt;
}

Credentials parse_user_password(const std::string& text, const std::string& what) {
  auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0) {
    throw UsageError(what + " must be USER:PASSWORD (the value is not shown)");
  }
  Credentials credentials;
  credentials.username = text.substr(0, colon);
  credentials.password = text.substr(colon + 1);
  credentials.source = what;
  return credentials;
}

}  // namespace venv2docker
