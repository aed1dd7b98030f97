#include "build/credential_flags.h"

#include <cstdlib>
#include <optional>

#include "image/reference.h"
#include "util/error.h"
#include "util/file_bytes.h"

namespace venv2docker {

namespace {

// Far more than any registry's password or token, far less than a file piped
// in by mistake.
constexpr std::size_t k_max_password_stdin = std::size_t{64} << 10;

struct CredsFlag {
  std::string registry;  // empty: unscoped
  std::string user_password;
};

// Docker's rule for the first part of a reference naming a registry: it holds
// a '.' or a ':', or is localhost. A password holding '=' ("user:pa=ss") then
// stays unscoped, since "user:pa" is no host:port.
std::optional<std::string> registry_host(const std::string& text) {
  if (text.empty() || (text.find_first_of(".:") == std::string::npos && text != "localhost")) return std::nullopt;
  auto reference = Reference::parse(text + "/x");
  if (!reference) return std::nullopt;
  return reference->registry;
}

CredsFlag parse_creds_flag(const std::string& text) {
  const auto equals = text.find('=');
  if (equals != std::string::npos) {
    if (auto registry = registry_host(text.substr(0, equals))) return {*registry, text.substr(equals + 1)};
  }
  return {"", text};
}

// The user of `creds` (without a password), else of VENV2DOCKER_REGISTRY_USER,
// with the password read from standard input; one newline at its end is the
// shell's.
std::string with_password_from_stdin(std::string user) {
  if (user.empty()) {
    const char* from_environment = std::getenv("VENV2DOCKER_REGISTRY_USER");
    user = from_environment ? from_environment : "";
  }
  if (user.empty()) {
    throw UsageError("--password-stdin needs a user name", "pass --creds USER or --creds REGISTRY=USER (without the "
                                                           "password), or set VENV2DOCKER_REGISTRY_USER");
  }
  if (user.find(':') != std::string::npos) {
    throw UsageError("--password-stdin and a password in --creds USER:PASSWORD both give the password",
                     "pass --creds USER alone, with the password on standard input");
  }
  std::string password = read_whole_file("/dev/stdin", k_max_password_stdin, "the password on standard input",
                                         "pipe it in: printf %s \"$PASSWORD\" | venv2docker --creds USER "
                                         "--password-stdin ...");
  if (password.ends_with('\n')) password.pop_back();
  if (password.ends_with('\r')) password.pop_back();
  if (password.empty()) {
    throw UsageError("--password-stdin read an empty password from standard input",
                     "pipe the password in: printf %s \"$PASSWORD\" | venv2docker --creds USER --password-stdin ...");
  }
  return user + ":" + password;
}

}  // namespace

void apply_credential_flags(const std::vector<std::string>& creds, bool password_stdin, RegistryOptions& registry) {
  std::vector<CredsFlag> flags;
  for (const auto& text : creds) flags.push_back(parse_creds_flag(text));
  if (password_stdin) {
    if (flags.size() > 1) {
      throw UsageError("--password-stdin gives one password, and --creds is given " + std::to_string(flags.size()) +
                           " times",
                       "pass the other registries' credentials with docker login, or as REGISTRY=USER:PASSWORD "
                       "without --password-stdin");
    }
    if (flags.empty()) flags.push_back({"", ""});
    flags.front().user_password = with_password_from_stdin(flags.front().user_password);
  }
  for (const auto& flag : flags) {
    if (flag.registry.empty()) {
      if (registry.creds) {
        throw UsageError("--creds USER:PASSWORD is given twice without a registry",
                         "name the registry of each: --creds REGISTRY=USER:PASSWORD (e.g. ghcr.io=me:TOKEN)");
      }
      registry.creds = flag.user_password;
    } else if (!registry.creds_by_registry.emplace(flag.registry, flag.user_password).second) {
      throw UsageError("--creds gives two sets of credentials for the registry " + flag.registry,
                       "pass one --creds " + flag.registry + "=USER:PASSWORD");
    }
  }
  if (!registry.creds) {
    const char* user = std::getenv("VENV2DOCKER_REGISTRY_USER");
    if (!user || !*user) return;
    const char* password = std::getenv("VENV2DOCKER_REGISTRY_PASSWORD");
    registry.creds = std::string(user) + ":" + (password ? password : "");
  }
}

}  // namespace venv2docker
