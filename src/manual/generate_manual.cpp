#include "manual/generate_manual.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <string>

#include "build/command_line.h"
#include "manual/completion_scripts.h"
#include "manual/man_page.h"

namespace venv2docker {

namespace {

bool write(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (out) return true;
  std::fprintf(stderr, "venv2docker-manual: cannot write %s\n", file.c_str());
  return false;
}

}  // namespace

bool write_manual(const std::filesystem::path& folder) {
  const auto app = command_line_app();
  return write(folder / "venv2docker.1", man_page(*app, VENV2DOCKER_VERSION)) &&
         write(folder / "venv2docker", bash_completion(*app)) && write(folder / "_venv2docker", zsh_completion(*app)) &&
         write(folder / "venv2docker.fish", fish_completion(*app));
}

}  // namespace venv2docker

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: venv2docker-manual OUTDIR\n");
    return 2;
  }
  return venv2docker::write_manual(argv[1]) ? 0 : 1;
}
