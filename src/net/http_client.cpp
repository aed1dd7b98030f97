#include "net/http_client.h"

#include "net/curl_library.h"
#include "util/file_bytes.h"
#include "util/text_util.h"
#include "util/unique_fd.h"

#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>

namespace venv2docker {

namespace {

// Everything one transfer's callbacks need.
struct Transfer {
  const HttpRequest* request = nullptr;
  HttpResponse* response = nullptr;
  CURL* handle = nullptr;
  bool status_known = false;
  bool aborted_by_sink = false;
  // What the sink threw (a full disk, a cancelled run): carried past libcurl's
  // C frames and thrown again once the transfer has returned.
  std::exception_ptr sink_error;
  bool too_large = false;
  UniqueFd file;
  std::uint64_t file_position = 0;
  std::uint64_t file_remaining = 0;
  std::size_t bytes_offset = 0;
  std::string read_error;
};

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    // A new response (after 100 Continue, say): forget the previous headers.
    transfer->response->headers.items.clear();
    return size * count;
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    transfer->response->headers.items.emplace_back(ascii_lower(trim(line.substr(0, colon))), trim(line.substr(colon + 1)));
  }
  return size * count;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::size_t bytes = size * count;
  long status = 0;
  curl().easy_getinfo(transfer->handle, CURLINFO_RESPONSE_CODE, &status);
  const HttpRequest& request = *transfer->request;
  HttpResponse& response = *transfer->response;
  bool success = status >= 200 && status < 300;
  if (success && request.sink) {
    try {
      if (request.sink(data, bytes)) return bytes;
      transfer->aborted_by_sink = true;
    } catch (...) {
      transfer->sink_error = std::current_exception();
    }
    return 0;
  }
  std::size_t room = request.max_body > response.body.size() ? request.max_body - response.body.size() : 0;
  if (bytes > room) {
    response.body.append(data, room);
    response.body_truncated = true;
    if (success) transfer->too_large = true;
    return 0;  // stop reading: the cap is the point
  }
  response.body.append(data, bytes);
  return bytes;
}

std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const RequestBody& body = *transfer->request->body;
  std::size_t room = size * count;
  if (!body.file) {
    std::size_t n = std::min(room, body.bytes.size() - transfer->bytes_offset);
    std::memcpy(buffer, body.bytes.data() + transfer->bytes_offset, n);
    transfer->bytes_offset += n;
    return n;
  }
  std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(room, transfer->file_remaining));
  if (n == 0) return 0;
  ssize_t got = 0;
  do {
    got = ::pread(transfer->file.get(), buffer, n, static_cast<off_t>(transfer->file_position));
  } while (got < 0 && errno == EINTR);
  if (got <= 0) {
    transfer->read_error = "cannot read " + body.file->string();
    return CURL_READFUNC_ABORT;
  }
  transfer->file_position += static_cast<std::uint64_t>(got);
  transfer->file_remaining -= static_cast<std::uint64_t>(got);
  return static_cast<std::size_t>(got);
}

// libcurl rewinds a body when it sends a request again on a new connection
// (a reused one that turned out dead) or after an early answer.
int on_seek(void* user, curl_off_t offset, int origin) {
  auto* transfer = static_cast<Transfer*>(user);
  const RequestBody& body = *transfer->request->body;
  if (origin != SEEK_SET || offset < 0 || static_cast<std::uint64_t>(offset) > body.size()) return CURL_SEEKFUNC_FAIL;
  if (!body.file) {
    transfer->bytes_offset = static_cast<std::size_t>(offset);
    return CURL_SEEKFUNC_OK;
  }
  transfer->file_position = body.offset + static_cast<std::uint64_t>(offset);
  transfer->file_remaining = body.length - static_cast<std::uint64_t>(offset);
  return CURL_SEEKFUNC_OK;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t uploaded) {
  auto* transfer = static_cast<Transfer*>(user);
  if (transfer->request->upload_progress && uploaded > 0) {
    transfer->request->upload_progress(static_cast<std::uint64_t>(uploaded));
  }
  return 0;
}

TransportFailure::Kind classify(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
      return TransportFailure::Kind::connect;
    case CURLE_COULDNT_RESOLVE_HOST:  // a name that does not resolve will not resolve a second later
    case CURLE_COULDNT_RESOLVE_PROXY:
      return TransportFailure::Kind::other;
    case CURLE_SSL_CONNECT_ERROR:
      return TransportFailure::Kind::tls_handshake;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
      return TransportFailure::Kind::tls_verify;
    case CURLE_OPERATION_TIMEDOUT:
      return TransportFailure::Kind::timeout;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_WEIRD_SERVER_REPLY:
      return TransportFailure::Kind::interrupted;
    default:
      return TransportFailure::Kind::other;
  }
}

// libcurl's URL parser on one URL, freed however the parse ends.
struct ParsedUrl {
  CURLU* handle;
  explicit ParsedUrl(const std::string& url, const std::string& shown) : handle(curl().url()) {
    if (!handle) throw Error("cannot start libcurl's URL parser");
    if (curl().url_set(handle, CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
      curl().url_cleanup(handle);
      throw Error("\"" + shown + "\" is not a URL");
    }
  }
  ParsedUrl(const ParsedUrl&) = delete;
  ParsedUrl& operator=(const ParsedUrl&) = delete;
  ~ParsedUrl() { curl().url_cleanup(handle); }
};

}  // namespace

std::optional<std::string> HttpHeaders::get(std::string_view name) const {
  std::string key = ascii_lower(name);
  for (const auto& [k, v] : items) {
    if (k == key) return v;
  }
  return std::nullopt;
}

std::vector<std::string> HttpHeaders::all(std::string_view name) const {
  std::string key = ascii_lower(name);
  std::vector<std::string> out;
  for (const auto& [k, v] : items) {
    if (k == key) out.push_back(v);
  }
  return out;
}

// Idle easy handles: each keeps its connection cache, so taking one back
// reuses its open connections.
struct HttpClient::Pool {
  std::mutex mutex;
  std::vector<CURL*> idle;

  CURL* take() {
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        CURL* handle = idle.back();
        idle.pop_back();
        return handle;
      }
    }
    CURL* handle = curl().easy_init();
    if (!handle) throw Error("cannot start libcurl");
    return handle;
  }
  void give_back(CURL* handle) {
    std::lock_guard lock(mutex);
    idle.push_back(handle);
  }
  ~Pool() {
    for (CURL* handle : idle) curl().easy_cleanup(handle);
  }
};

HttpClient::HttpClient() : m_pool(std::make_unique<Pool>()) { curl(); }  // loads libcurl, or says why not
HttpClient::~HttpClient() = default;

HttpOutcome HttpClient::perform(const HttpRequest& request, const std::string& shown_url) const {
  CURL* handle = m_pool->take();
  struct GiveBack {
    Pool* pool;
    CURL* handle;
    ~GiveBack() { pool->give_back(handle); }
  } give_back{m_pool.get(), handle};
  curl().easy_reset(handle);

  HttpResponse response;
  Transfer transfer;
  transfer.request = &request;
  transfer.response = &response;
  transfer.handle = handle;
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl().easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
  curl().easy_setopt(handle, CURLOPT_URL, request.url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500
  curl().easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
#else
  curl().easy_setopt(handle, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  curl().easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
  curl().easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl().easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, 30L);
  // A stalled transfer (under 1 byte/s for a minute) is a dead one; no
  // overall deadline, since a large blob may take long.
  curl().easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl().easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, 60L);
  curl().easy_setopt(handle, CURLOPT_TCP_KEEPALIVE, 1L);
  curl().easy_setopt(handle, CURLOPT_USERAGENT, "venv2docker/" VENV2DOCKER_VERSION);
  curl().easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, request.verify_tls ? 1L : 0L);
  curl().easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, request.verify_tls ? 2L : 0L);
  if (request.ca_pem && !request.ca_pem->empty()) {
#if LIBCURL_VERSION_NUM >= 0x074d00
    curl_blob blob{const_cast<char*>(request.ca_pem->data()), request.ca_pem->size(), CURL_BLOB_COPY};
    curl().easy_setopt(handle, CURLOPT_CAINFO_BLOB, &blob);
#else
    throw Error("extra CA certificates need libcurl 7.77 or later");
#endif
  }
  curl().easy_setopt(handle, CURLOPT_HEADERFUNCTION, on_header);
  curl().easy_setopt(handle, CURLOPT_HEADERDATA, &transfer);
  curl().easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_body);
  curl().easy_setopt(handle, CURLOPT_WRITEDATA, &transfer);

  curl_slist* headers = nullptr;
  for (const auto& header : request.headers) headers = curl().slist_append(headers, header.c_str());
  // Never wait for a 100 Continue that some servers never send.
  headers = curl().slist_append(headers, "Expect:");
  struct FreeHeaders {
    curl_slist* list;
    ~FreeHeaders() { curl().slist_free_all(list); }
  } free_headers{headers};
  curl().easy_setopt(handle, CURLOPT_HTTPHEADER, headers);

  if (request.method == "HEAD") {
    curl().easy_setopt(handle, CURLOPT_NOBODY, 1L);
  } else if (request.body) {
    if (request.body->file) {
      transfer.file = open_for_reading(*request.body->file);
      if (!transfer.file) throw Error("cannot read " + request.body->file->string() + ": " + std::strerror(errno));
      transfer.file_position = request.body->offset;
      transfer.file_remaining = request.body->length;
    }
    curl().easy_setopt(handle, CURLOPT_UPLOAD, 1L);
    curl().easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body->size()));
    curl().easy_setopt(handle, CURLOPT_READFUNCTION, on_read);
    curl().easy_setopt(handle, CURLOPT_READDATA, &transfer);
    curl().easy_setopt(handle, CURLOPT_SEEKFUNCTION, on_seek);
    curl().easy_setopt(handle, CURLOPT_SEEKDATA, &transfer);
    curl().easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl().easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
    curl().easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl().easy_setopt(handle, CURLOPT_XFERINFODATA, &transfer);
  } else if (request.method == "POST") {
    curl().easy_setopt(handle, CURLOPT_POST, 1L);
    curl().easy_setopt(handle, CURLOPT_POSTFIELDS, "");
    curl().easy_setopt(handle, CURLOPT_POSTFIELDSIZE, 0L);
  } else if (request.method != "GET") {
    curl().easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  CURLcode code = curl().easy_perform(handle);
  curl().easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.status);
  if (transfer.sink_error) std::rethrow_exception(transfer.sink_error);
  if (!transfer.read_error.empty()) throw Error(transfer.read_error);
  if (code == CURLE_OK) return response;
  std::string what = request.method + " " + shown_url;
  if (transfer.aborted_by_sink) {
    return TransportFailure{TransportFailure::Kind::aborted_by_sink, what + ": the transfer was stopped"};
  }
  if (code == CURLE_WRITE_ERROR && response.body_truncated) {
    if (transfer.too_large) {
      return TransportFailure{TransportFailure::Kind::too_large, what + ": the answer is larger than the " +
                                                                     std::to_string(request.max_body) +
                                                                     " bytes allowed"};
    }
    return response;  // an error body, cut at its cap
  }
  std::string detail = error_buffer[0] ? error_buffer : curl().easy_strerror(code);
  return TransportFailure{classify(code), what + ": " + detail};
}

std::string redact_url(std::string_view url) {
  std::string text(url);
  // Drop user info ("scheme://user:pass@host").
  if (auto scheme_end = text.find("://"); scheme_end != std::string::npos) {
    auto authority_end = text.find_first_of("/?#", scheme_end + 3);
    auto at = text.rfind('@', authority_end == std::string::npos ? text.size() : authority_end);
    if (at != std::string::npos && at > scheme_end) text.erase(scheme_end + 3, at - scheme_end - 2);
  }
  auto fragment = text.find('#');
  if (fragment != std::string::npos) text.erase(fragment);
  auto question = text.find('?');
  if (question == std::string::npos) return text;
  static const char* k_harmless[] = {"digest", "mount", "from", "scope", "service", "n", "last"};
  std::string out = text.substr(0, question + 1);
  std::string_view query = std::string_view(text).substr(question + 1);
  bool first = true;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    auto equals = pair.find('=');
    std::string_view key = pair.substr(0, equals);
    bool keep = std::any_of(std::begin(k_harmless), std::end(k_harmless), [&](const char* k) { return key == k; });
    out += (first ? "" : "&");
    first = false;
    out += keep || equals == std::string_view::npos ? std::string(pair) : std::string(key) + "=REDACTED";
  }
  return out;
}

std::string resolve_url(const std::string& base, const std::string& location) {
  const ParsedUrl parsed(base, redact_url(location));
  CURLU* url = parsed.handle;
  if (curl().url_set(url, CURLUPART_URL, location.c_str(), 0) != CURLUE_OK) {
    throw Error("\"" + redact_url(location) + "\" is not a URL");
  }
  char* scheme = nullptr;
  char* full = nullptr;
  curl().url_get(url, CURLUPART_SCHEME, &scheme, 0);
  curl().url_get(url, CURLUPART_URL, &full, 0);
  std::string scheme_text = scheme ? ascii_lower(scheme) : "";
  std::string result = full ? full : "";
  curl().free(scheme);
  curl().free(full);
  if (scheme_text != "http" && scheme_text != "https") {
    throw Error("\"" + redact_url(location) + "\" is not an http(s) URL");
  }
  return result;
}

std::string url_origin(const std::string& url) {
  const ParsedUrl parsed(url, redact_url(url));
  CURLU* handle = parsed.handle;
  char *scheme = nullptr, *host = nullptr, *port = nullptr;
  curl().url_get(handle, CURLUPART_SCHEME, &scheme, 0);
  curl().url_get(handle, CURLUPART_HOST, &host, 0);
  curl().url_get(handle, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
  std::string origin = ascii_lower(scheme ? scheme : "") + "://" + ascii_lower(host ? host : "") + ":" + (port ? port : "");
  curl().free(scheme);
  curl().free(host);
  curl().free(port);
  return origin;
}

std::string url_encode(std::string_view text) {
  static const char* k_hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 15];
    }
  }
  return out;
}

bool is_retriable_status(long status) {
  return status == 408 || status == 429 || status == 499 || status == 500 || status == 502 || status == 503 ||
         status == 504 || status == 522;
}

}  // namespace venv2docker
