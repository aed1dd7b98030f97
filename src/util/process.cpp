#include "util/process.h"

#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <string_view>

#include "util/cancellation.h"
#include "util/error.h"

extern char** environ;

namespace venv2docker {

namespace {

struct AllowList {
  std::vector<std::string_view> names;
  std::vector<std::string_view> prefixes;
};

// What every child may see: where programs are, and the language to speak.
const AllowList k_bare = {{"PATH", "LANG", "LANGUAGE", "TZ"}, {"LC_"}};

// Where the network is and which CAs to trust: pip and credential helpers both
// talk to servers, through the same proxies as we do.
const AllowList k_network = {{"HOME", "USER", "LOGNAME", "TMPDIR", "http_proxy", "https_proxy", "no_proxy",
                              "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "SSL_CERT_FILE",
                              "SSL_CERT_DIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"},
                             {}};

// pip reads its own settings (PIP_*, pip.conf under HOME or XDG_CONFIG_HOME),
// requests' CA bundle, and sdists' build backends compile with the usual
// toolchain variables and stamp SOURCE_DATE_EPOCH.
const AllowList k_pip = {{"REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NETRC", "SOURCE_DATE_EPOCH", "CC", "CXX", "CPP",
                          "LD", "AR", "CFLAGS", "CXXFLAGS", "CPPFLAGS", "LDFLAGS", "LDSHARED", "PKG_CONFIG_PATH",
                          "MAKEFLAGS"},
                         {"PIP_"}};

// docker's helpers read DOCKER_CONFIG; the desktop stores (secretservice,
// pass) reach their keyring over D-Bus or gpg; the cloud helpers (ecr-login,
// gcr, acr-env) read their SDK's settings.
const AllowList k_credential_helper = {{"XDG_RUNTIME_DIR", "DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY",
                                        "GNUPGHOME", "GPG_TTY", "GPG_AGENT_INFO", "GOOGLE_APPLICATION_CREDENTIALS"},
                                       {"DOCKER_", "PASSWORD_STORE_", "AWS_", "CLOUDSDK_", "AZURE_"}};

bool allowed_by(const AllowList& list, std::string_view name) {
  return std::find(list.names.begin(), list.names.end(), name) != list.names.end() ||
         std::any_of(list.prefixes.begin(), list.prefixes.end(),
                     [&](std::string_view prefix) { return name.starts_with(prefix); });
}

std::vector<const AllowList*> allow_lists(ChildEnvironment kind) {
  switch (kind) {
    case ChildEnvironment::bare:
      return {&k_bare};
    case ChildEnvironment::pip:
      return {&k_bare, &k_network, &k_pip};
    case ChildEnvironment::credential_helper:
      return {&k_bare, &k_network, &k_credential_helper};
  }
  return {&k_bare};
}

}  // namespace

std::vector<std::string> child_environment(ChildEnvironment kind, char** environment) {
  const std::vector<const AllowList*> lists = allow_lists(kind);
  std::vector<std::string> passed;
  for (char** variable = environment; variable && *variable; ++variable) {
    const std::string_view entry(*variable);
    const std::string_view name = entry.substr(0, entry.find('='));
    // Our own settings are for us alone, whatever a list's prefix would let through.
    if (name.starts_with("VENV2DOCKER_")) continue;
    if (std::any_of(lists.begin(), lists.end(), [&](const AllowList* list) { return allowed_by(*list, name); })) {
      passed.emplace_back(entry);
    }
  }
  return passed;
}

ProcessResult run_process(const std::vector<std::string>& argv, ChildEnvironment kind, std::size_t max_output,
                          const std::string& input) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw Error(std::string("cannot create a pipe: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  // Every descriptor we open is close-on-exec; this also covers those a
  // library opened without it (libcurl's sockets).
  posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> environment = child_environment(kind, environ);
  std::vector<char*> environment_pointers;
  for (auto& variable : environment) environment_pointers.push_back(variable.data());
  environment_pointers.push_back(nullptr);
  pid_t pid = 0;
  int spawned = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environment_pointers.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (spawned != 0) {
    ::close(in_pipe[1]);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    throw Error("cannot run " + argv[0] + ": " + std::strerror(spawned));
  }
  // Short input fits the pipe buffer, so writing it all before reading the
  // output cannot deadlock; a program may also exit without reading it.
  for (std::size_t written = 0; written < input.size();) {
    ssize_t wrote = ::write(in_pipe[1], input.data() + written, input.size() - written);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) break;
    written += static_cast<std::size_t>(wrote);
  }
  ::close(in_pipe[1]);
  ProcessResult result;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_streams = 2;
  char buffer[65536];
  while (open_streams > 0) {
    if (::poll(fds, 2, -1) < 0) {
      // A SIGTERM sent to us alone (not our group) must reach the child too,
      // or the run would wait for it; the run is cancelled once it exits.
      if (errno == EINTR && cancelling_signal() != 0) ::kill(pid, SIGTERM);
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
      if (got <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_streams;
      } else if (sinks[i]->size() < max_output) {
        sinks[i]->append(buffer, std::min(static_cast<std::size_t>(got), max_output - sinks[i]->size()));
      }
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  throw_if_cancelled();
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace venv2docker
