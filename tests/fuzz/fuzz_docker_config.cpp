// Docker's config.json (and podman's auth.json, the legacy ~/.dockercfg and
// $DOCKER_AUTH_CONFIG): which helper or credentials each registry gets.
#include <fstream>

#include "fuzz_target.h"
#include "remote/docker_config.h"

using namespace venv2docker;

namespace {

void write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

void look_up(const CredentialEnvironment& environment) {
  for (const CredentialFile& file : credential_files(environment)) {
    for (const char* registry : {"docker.io", "registry.example:5000", "ghcr.io"}) {
      (void)lookup_config(file, registry, "library/python");
      (void)lookup_config(file, registry, "team/app");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  const std::filesystem::path docker = fuzz::scratch_folder() / "docker";
  const std::filesystem::path home = fuzz::scratch_folder() / "home";
  write_file(docker / "config.json", text);
  write_file(home / ".dockercfg", text);
  CredentialEnvironment in_docker_config;
  in_docker_config.docker_config = docker.string();
  CredentialEnvironment legacy;
  legacy.home = home.string();
  CredentialEnvironment in_variable;
  in_variable.docker_auth_config = std::string(text);
  for (const CredentialEnvironment* environment : {&in_docker_config, &legacy, &in_variable}) {
    fuzz::refusal_allowed([&] { look_up(*environment); });
  }
  return 0;
}
