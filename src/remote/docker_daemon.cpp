#include "remote/docker_daemon.h"
#include "net/curl_library.h"

#include <curl/curl.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "util/error.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t k_max_response = std::size_t{1} << 20;

struct Upload {
  std::FILE* file = nullptr;
  std::uint64_t sent = 0;
  Reporter* reporter = nullptr;
};

size_t read_body(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  size_t got = std::fread(buffer, 1, size * count, upload->file);
  if (got == 0 && std::ferror(upload->file)) return CURL_READFUNC_ABORT;
  upload->sent += got;
  upload->reporter->progress("loading into the daemon", upload->sent);
  return got;
}

size_t collect_response(char* data, size_t size, size_t count, void* user) {
  auto* response = static_cast<std::string*>(user);
  size_t bytes = size * count;
  // The daemon's answer is a short JSON stream; never hold more than a bound.
  if (response->size() < k_max_response) response->append(data, std::min(bytes, k_max_response - response->size()));
  return bytes;
}

// The load endpoint answers with JSON messages, one per line: "stream" text or
// an "errorDetail"/"error" when the image is refused.
std::string interpret_response(const std::string& body, long status, const DaemonAddress& daemon) {
  std::istringstream lines(body);
  std::string line, loaded;
  while (std::getline(lines, line)) {
    auto message = nlohmann::json::parse(line, nullptr, false);
    if (message.is_discarded() || !message.is_object()) continue;
    if (message.contains("error")) {
      throw Error("the Docker daemon at " + daemon.shown + " refused the image: " + message["error"].dump());
    }
    if (message.contains("stream") && message["stream"].is_string()) loaded += message["stream"].get<std::string>();
  }
  if (status != 200) {
    std::string shown = body.substr(0, 500);
    throw Error("the Docker daemon at " + daemon.shown + " answered HTTP " + std::to_string(status) + " to POST /images/load: " + shown);
  }
  while (!loaded.empty() && (loaded.back() == '\n' || loaded.back() == ' ')) loaded.pop_back();
  return loaded;
}

}  // namespace

DaemonAddress docker_daemon_address() {
  const char* host = std::getenv("DOCKER_HOST");
  std::string text = host && *host ? host : "unix:///var/run/docker.sock";
  if (text.starts_with("unix://")) {
    std::string path = text.substr(7);
    if (path.empty()) throw UsageError("DOCKER_HOST=" + text + " names no socket");
    return DaemonAddress{path, "http://localhost", text};
  }
  if (text.starts_with("tcp://")) {
    std::string address = text.substr(6);
    while (!address.empty() && address.back() == '/') address.pop_back();
    return DaemonAddress{std::nullopt, "http://" + address, text};
  }
  throw UsageError("DOCKER_HOST=" + text + " is not an address venv2docker can use",
                   "use unix:///path/to/docker.sock or tcp://host:port (plain HTTP); for ssh:// or TLS daemons, "
                   "write a docker-archive with -o and run `docker load -i`");
}

std::string load_into_daemon(const fs::path& archive, const DaemonAddress& daemon, Reporter& reporter) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(archive.c_str(), "rbe"), std::fclose);
  if (!file) throw Error("cannot read " + archive.string());
  const CurlLibrary& lib = curl();
  std::unique_ptr<CURL, void (*)(CURL*)> handle(lib.easy_init(), lib.easy_cleanup);
  if (!handle) throw Error("libcurl could not start a request");

  Upload upload{file.get(), 0, &reporter};
  std::string response;
  std::string url = daemon.base_url + "/images/load?quiet=1";
  struct curl_slist* headers = lib.slist_append(nullptr, "Content-Type: application/x-tar");
  headers = lib.slist_append(headers, "Expect:");
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> header_list(headers, lib.slist_free_all);
  auto size = static_cast<curl_off_t>(fs::file_size(archive));

  CURL* h = handle.get();
  lib.easy_setopt(h, CURLOPT_URL, url.c_str());
  if (daemon.unix_socket) lib.easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, daemon.unix_socket->c_str());
  lib.easy_setopt(h, CURLOPT_POST, 1L);
  lib.easy_setopt(h, CURLOPT_READFUNCTION, read_body);
  lib.easy_setopt(h, CURLOPT_READDATA, &upload);
  lib.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, size);
  lib.easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  lib.easy_setopt(h, CURLOPT_WRITEFUNCTION, collect_response);
  lib.easy_setopt(h, CURLOPT_WRITEDATA, &response);
  lib.easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
  lib.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  CURLcode result = lib.easy_perform(h);
  reporter.end_progress();
  if (result == CURLE_COULDNT_CONNECT || result == CURLE_COULDNT_RESOLVE_HOST) {
    throw Error("no Docker daemon answers at " + daemon.shown,
                "start Docker (or podman's service), set DOCKER_HOST, or write a docker-archive with -o and load it later");
  }
  if (result != CURLE_OK) {
    throw Error("loading into the Docker daemon at " + daemon.shown + " failed: " + lib.easy_strerror(result));
  }
  long status = 0;
  lib.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  return interpret_response(response, status, daemon);
}

}  // namespace venv2docker
