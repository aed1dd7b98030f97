// Credential sources: config.json / auth.json parsing and precedence, and the
// docker-credential-* helper protocol with real helper scripts.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "remote/docker_config.h"
#include "temp_dir.h"
#include "util/base64.h"
#include "util/error.h"

using namespace venv2docker;
using venv2docker::test::TempDir;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& path, const std::string& text, bool executable = false) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
  if (executable) ::chmod(path.c_str(), 0755);
}

std::string auth(const std::string& user, const std::string& password) {
  return base64_encode(user + ":" + password);
}

CredentialFile file_of(const std::string& json_text, bool legacy = false) {
  return CredentialFile{"test.json", nlohmann::json::parse(json_text), legacy};
}

// Puts `dir` first on PATH for the life of the object.
struct PathPrefix {
  std::string old;
  explicit PathPrefix(const fs::path& dir) : old(std::getenv("PATH") ? std::getenv("PATH") : "") {
    ::setenv("PATH", (dir.string() + ":" + old).c_str(), 1);
  }
  ~PathPrefix() { ::setenv("PATH", old.c_str(), 1); }
};

}  // namespace

TEST_CASE("base64 round trip") {
  CHECK(base64_encode("user:pa:ss") == "dXNlcjpwYTpzcw==");
  CHECK(base64_decode("dXNlcjpwYTpzcw==") == std::optional<std::string>("user:pa:ss"));
  CHECK(base64_decode("dXNlcjpwYTpzcw") == std::optional<std::string>("user:pa:ss"));
  CHECK_FALSE(base64_decode("not base64!"));
}

TEST_CASE("auths keys normalise as docker does") {
  CHECK(normalize_auth_key("https://index.docker.io/v1/") == "docker.io");
  CHECK(normalize_auth_key("index.docker.io") == "docker.io");
  CHECK(normalize_auth_key("registry-1.docker.io") == "docker.io");
  CHECK(normalize_auth_key("http://localhost:5000/v2/") == "localhost:5000");
  CHECK(normalize_auth_key("https://ghcr.io") == "ghcr.io");
  CHECK(normalize_auth_key("ghcr.io/v1/") == "ghcr.io");
  CHECK(normalize_auth_key("quay.io/ns/repo") == "quay.io/ns/repo");
  CHECK(helper_server_url("docker.io") == "https://index.docker.io/v1/");
  CHECK(helper_server_url("localhost:5000") == "localhost:5000");
}

TEST_CASE("auth splits at the first colon; username/password and tokens are read") {
  auto file = file_of(R"({"auths":{
      "https://index.docker.io/v1/":{"auth":")" + auth("hub", "p:w") + R"("},
      "ghcr.io":{"username":"gh","password":"tok"},
      "quay.io":{"identitytoken":"refresh"},
      "r.example":{"registrytoken":"bearer"}}})");
  auto hub = lookup_config(file, "docker.io", "library/python").credentials;
  REQUIRE(hub);
  CHECK(hub->username == "hub");
  CHECK(hub->password == "p:w");
  CHECK(hub->source == "test.json");
  CHECK(lookup_config(file, "ghcr.io", "a/b").credentials->password == "tok");
  CHECK(lookup_config(file, "quay.io", "a/b").credentials->identity_token == "refresh");
  CHECK(lookup_config(file, "r.example", "a").credentials->registry_token == "bearer");
  CHECK_FALSE(lookup_config(file, "other.io", "a").credentials);
}

TEST_CASE("a broken auth value is an error naming the file and key, never the secret") {
  auto file = file_of(R"({"auths":{"ghcr.io":{"auth":"bm9jb2xvbg=="}}})");  // "nocolon"
  CHECK_THROWS_WITH(lookup_config(file, "ghcr.io", "a"), Catch::Contains("ghcr.io") && Catch::Contains("test.json") &&
                                                            !Catch::Contains("nocolon"));
}

TEST_CASE("precedence in one file: credHelpers > credsStore > auths; empty entries are placeholders") {
  auto file = file_of(R"({"credsStore":"desktop","credHelpers":{"ghcr.io":"gh"},
      "auths":{"ghcr.io":{},"localhost:5000":{"auth":")" + auth("u", "p") + R"("}}})");
  auto gh = lookup_config(file, "ghcr.io", "a");
  CHECK(gh.helper == std::optional<std::string>("gh"));
  CHECK_FALSE(gh.credentials);  // "{}" holds nothing
  auto local = lookup_config(file, "localhost:5000", "a");
  CHECK(local.helper == std::optional<std::string>("desktop"));
  REQUIRE(local.credentials);
  CHECK(local.credentials->username == "u");
}

TEST_CASE("namespaced auth.json keys: the longest prefix wins") {
  auto file = file_of(R"({"auths":{
      "quay.io":{"auth":")" + auth("all", "1") + R"("},
      "quay.io/team":{"auth":")" + auth("team", "2") + R"("},
      "quay.io/team/app":{"auth":")" + auth("app", "3") + R"("}}})");
  CHECK(lookup_config(file, "quay.io", "team/app").credentials->username == "app");
  CHECK(lookup_config(file, "quay.io", "team/other").credentials->username == "team");
  CHECK(lookup_config(file, "quay.io", "elsewhere/x").credentials->username == "all");
  CHECK(lookup_config(file, "quay.io", "teamx/y").credentials->username == "all");
}

TEST_CASE("legacy ~/.dockercfg holds the auths map at the top level") {
  auto file = file_of(R"({"https://ghcr.io":{"auth":")" + auth("old", "x") + R"("}})", true);
  CHECK(lookup_config(file, "ghcr.io", "a").credentials->username == "old");
}

TEST_CASE("file order: REGISTRY_AUTH_FILE, XDG auth.json, DOCKER_CONFIG; the first holder wins") {
  TempDir dir;
  write(dir / "authfile.json", R"({"auths":{"a.io":{"auth":")" + auth("from-authfile", "1") + R"("}}})");
  write(dir / "xdg" / "containers" / "auth.json",
        R"({"auths":{"a.io":{"auth":")" + auth("from-xdg", "2") + R"("},"b.io":{"auth":")" + auth("b-xdg", "2") + R"("}}})");
  write(dir / "docker" / "config.json",
        R"({"auths":{"b.io":{"auth":")" + auth("b-docker", "3") + R"("},"c.io":{"auth":")" + auth("c-docker", "3") + R"("}}})");
  CredentialEnvironment env;
  env.home = (dir / "home").string();
  env.registry_auth_file = (dir / "authfile.json").string();
  env.xdg_runtime_dir = (dir / "xdg").string();
  env.docker_config = (dir / "docker").string();
  CHECK(find_credentials("a.io", "x", env)->username == "from-authfile");
  CHECK(find_credentials("b.io", "x", env)->username == "b-xdg");
  CHECK(find_credentials("c.io", "x", env)->username == "c-docker");
  CHECK(find_credentials("c.io", "x", env)->source == (dir / "docker" / "config.json").string());
  CHECK_FALSE(find_credentials("d.io", "x", env));
  // ~/.docker/config.json only when DOCKER_CONFIG is unset.
  write(dir / "home" / ".docker" / "config.json", R"({"auths":{"d.io":{"auth":")" + auth("home", "4") + R"("}}})");
  CHECK_FALSE(find_credentials("d.io", "x", env));
  env.docker_config.clear();
  CHECK(find_credentials("d.io", "x", env)->username == "home");
  // DOCKER_AUTH_CONFIG comes before the docker config file.
  env.docker_auth_config = R"({"auths":{"d.io":{"auth":")" + auth("from-env", "5") + R"("}}})";
  CHECK(find_credentials("d.io", "x", env)->username == "from-env");
}

TEST_CASE("a config file that is not JSON is an error naming it") {
  TempDir dir;
  write(dir / "config.json", "{not json");
  CredentialEnvironment env;
  env.docker_config = dir.path().string();
  CHECK_THROWS_WITH(find_credentials("a.io", "x", env), Catch::Contains((dir / "config.json").string()));
}

TEST_CASE("credential helpers: the real protocol, with helper scripts") {
  TempDir dir;
  // Echoes back what it read on stdin, so the test sees the server URL it was given.
  write(dir / "bin" / "docker-credential-v2dtest",
        "#!/bin/sh\n[ \"$1\" = get ] || exit 3\nread url\n"
        "case \"$url\" in\n"
        "  https://index.docker.io/v1/) echo '{\"ServerURL\":\"'$url'\",\"Username\":\"hubuser\",\"Secret\":\"hubpass\"}';;\n"
        "  tok.io) echo '{\"ServerURL\":\"tok.io\",\"Username\":\"<token>\",\"Secret\":\"refresh-me\"}';;\n"
        "  localhost:5000) echo '{\"ServerURL\":\"'$url'\",\"Username\":\"local\",\"Secret\":\"s3cret\"}';;\n"
        "  *) echo 'credentials not found in native keychain'; exit 1;;\n"
        "esac\n",
        true);
  write(dir / "bin" / "docker-credential-broken", "#!/bin/sh\necho 'the keyring is locked' >&2\nexit 7\n", true);
  PathPrefix path(dir / "bin");

  auto hub = run_credential_helper("v2dtest", "docker.io");
  REQUIRE(hub);
  CHECK(hub->username == "hubuser");
  CHECK(hub->password == "hubpass");
  CHECK(hub->source == "credential helper docker-credential-v2dtest");
  auto local = run_credential_helper("v2dtest", "localhost:5000");
  REQUIRE(local);
  CHECK(local->password == "s3cret");
  auto token = run_credential_helper("v2dtest", "tok.io");
  REQUIRE(token);
  CHECK(token->identity_token == "refresh-me");
  CHECK(token->username.empty());
  CHECK_FALSE(run_credential_helper("v2dtest", "unknown.io"));

  CHECK_THROWS_WITH(run_credential_helper("broken", "ghcr.io"),
                    Catch::Contains("docker-credential-broken") && Catch::Contains("ghcr.io") &&
                        Catch::Contains("keyring is locked"));
  CHECK_THROWS_WITH(run_credential_helper("not-installed-anywhere", "ghcr.io"),
                    Catch::Contains("docker-credential-not-installed-anywhere") && Catch::Contains("ghcr.io"));
  CHECK_THROWS_AS(run_credential_helper("../evil", "ghcr.io"), Error);

  // Through a config file: the helper wins over auths; "not found" falls back to auths.
  write(dir / "docker" / "config.json",
        R"({"credsStore":"v2dtest","auths":{"localhost:5000":{"auth":")" + auth("stale", "x") + R"("},)"
        R"("other.io":{"auth":")" + auth("fallback", "y") + R"("}}})");
  CredentialEnvironment env;
  env.docker_config = (dir / "docker").string();
  CHECK(find_credentials("localhost:5000", "a", env)->username == "local");
  CHECK(find_credentials("other.io", "a", env)->username == "fallback");
  CHECK(find_credentials("docker.io", "library/python", env)->username == "hubuser");
}

TEST_CASE("--creds USER:PASSWORD splits at the first colon and never echoes the value") {
  auto creds = parse_user_password("ci-bot:pa:ss", "--creds");
  CHECK(creds.username == "ci-bot");
  CHECK(creds.password == "pa:ss");
  CHECK_THROWS_AS(parse_user_password("no-colon-secret", "--creds"), UsageError);
  CHECK_THROWS_WITH(parse_user_password("no-colon-secret", "--creds"), !Catch::Contains("no-colon-secret"));
}
