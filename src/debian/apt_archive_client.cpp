#include "debian/apt_archive_client.h"

#include <thread>

#include "net/retry_policy.h"
#include "store/cache_record.h"
#include "tar/archive_reader.h"
#include "util/error.h"
#include "util/temporary_path.h"
#include "util/text_util.h"

namespace venv2docker::debian {

namespace fs = std::filesystem;

namespace {

const RetryPolicy k_retry(4, std::chrono::milliseconds(250));
constexpr int k_max_redirects = 5;
constexpr std::size_t k_max_release = std::size_t{32} << 20;
constexpr std::size_t k_max_index = std::size_t{1} << 30;

std::string dists_url(const AptSource& source, const std::string& name) {
  return source.uri + "/dists/" + source.suite + "/" + name;
}

}  // namespace

std::string decompress_file(const fs::path& file, std::size_t cap, const std::string& what) {
  ArchiveReader reader(file, ArchiveFormat::raw, what);
  if (!reader.next()) throw Error("cannot read " + what + ": it is empty");
  return reader.read_all(cap, what);
}

AptArchiveClient::AptArchiveClient(const BlobStore& store, Reporter& reporter, bool allow_unauthenticated)
    : m_store(store), m_reporter(reporter), m_allow_unauthenticated(allow_unauthenticated) {}

// One request, retried while what went wrong is worth another try.
// `before_attempt` runs before every try, so a caller streaming the body into
// `request.sink` can start over.
HttpOutcome AptArchiveClient::get_with_retries(const std::string& url, const HttpRequest& request,
                                               const std::function<void()>& before_attempt) const {
  for (unsigned attempt = 0;; ++attempt) {
    if (before_attempt) before_attempt();
    HttpOutcome outcome = m_client.perform(request, redact_url(url));
    std::optional<std::chrono::milliseconds> wait;
    if (const auto* failure = outcome.failure()) {
      if (!failure->retriable() || !k_retry.has_retry_after(attempt)) return outcome;
      wait = k_retry.backoff(attempt);
    } else {
      // Final (a mirror asking for longer than we wait too): its status says why.
      wait = k_retry.wait_before_retry(outcome.response(), attempt);
      if (!wait) return outcome;
    }
    m_reporter.detail(redact_url(url) + ": trying again in " + std::to_string(wait->count()) + " ms");
    std::this_thread::sleep_for(*wait);
  }
}

// One GET, following redirects (never from https to http) and retrying what
// is worth retrying (see get_with_retries).
HttpOutcome AptArchiveClient::get(const std::string& url, HttpRequest request,
                                  const std::function<void()>& before_attempt) const {
  std::string current = url;
  for (int redirects = 0;; ++redirects) {
    request.url = current;
    HttpOutcome outcome = get_with_retries(current, request, before_attempt);
    if (outcome.failure()) return outcome;
    const HttpResponse& response = outcome.response();
    if (response.status < 300 || response.status >= 400 || response.status == 304) return outcome;
    auto location = response.headers.get("location");
    if (!location || redirects == k_max_redirects) return outcome;
    std::string next = resolve_url(current, *location);
    if (current.starts_with("https://") && !next.starts_with("https://")) {
      throw Error(redact_url(current) + " redirects from https to " + redact_url(next) + ", which apt refuses too");
    }
    current = next;
  }
}

// get(), with no answer an Error.
HttpResponse AptArchiveClient::answer(const std::string& url, const HttpRequest& request) const {
  HttpOutcome outcome = get(url, request);
  if (const auto* failure = outcome.failure()) throw Error(failure->message);
  return std::move(outcome.response());
}

std::optional<std::string> AptArchiveClient::get_small(const std::string& url, std::size_t cap) const {
  HttpRequest request;
  request.max_body = cap;
  HttpResponse response = answer(url, request);
  if (response.status == 404 || response.status == 410) return std::nullopt;
  if (response.status != 200) {
    throw Error(redact_url(url) + " answered HTTP " + std::to_string(response.status));
  }
  return response.body;
}

// InRelease with If-Modified-Since: an unchanged suite costs one 304. The
// last answer is kept unverified as a cache record, with its date: it is
// verified again on every use, like a fresh download.
std::string AptArchiveClient::cached_inrelease(const std::string& url) const {
  static constexpr CacheRecordKind k_inrelease_record{"apt-inrelease", 1, k_max_release + 4096};
  const fs::path record = cache_record_path(m_store.root(), "apt/inrelease", sha256_of(url));
  HttpRequest request;
  request.max_body = k_max_release;
  std::optional<std::string> cached;
  if (std::optional<nlohmann::json> body = read_cache_record(record, k_inrelease_record)) {
    try {
      request.headers.push_back("If-Modified-Since: " + body->at("last_modified").get<std::string>());
      cached = bytes_from_cache(body->at("text"));
    } catch (const nlohmann::json::exception&) {
      request.headers.clear();  // a damaged record is no date to offer
    }
  }
  HttpResponse response = answer(url, request);
  if (response.status == 304) return cached.value_or("");
  if (response.status == 404 || response.status == 410) return {};
  if (response.status != 200) throw Error(redact_url(url) + " answered HTTP " + std::to_string(response.status));
  if (auto date = response.headers.get("last-modified")) {
    write_cache_record(record, k_inrelease_record, {{"last_modified", trim(*date)}, {"text", cache_bytes(response.body)}});
  } else {
    std::error_code ec;
    fs::remove(record, ec);  // its date would ask for an older answer
  }
  return response.body;
}

ReleaseFile AptArchiveClient::release(const AptSource& source, const std::vector<Keyring>& keyrings) {
  const bool may_skip_signature = m_allow_unauthenticated || source.trusted;
  ScratchFolder scratch(m_store.root() / "tmp", "gpgv");
  std::string inrelease_url = dists_url(source, "InRelease");
  m_reporter.detail("Reading " + redact_url(inrelease_url));
  std::string inrelease = cached_inrelease(inrelease_url);
  if (!inrelease.empty()) {
    try {
      return parse_release(verify_clearsigned(inrelease, keyrings, redact_url(inrelease_url), scratch.path()),
                           redact_url(inrelease_url));
    } catch (const Error& error) {
      if (!may_skip_signature) throw;
      m_reporter.warning(std::string(error.what()) + "; using it anyway (--apt-allow-unauthenticated)");
      // A clear-signed file's text sits between the header's blank line and
      // the signature block.
      auto start = inrelease.find("\n\n");
      auto end = inrelease.find("\n-----BEGIN PGP SIGNATURE-----");
      return parse_release(inrelease.substr(start + 2, end - start - 2), redact_url(inrelease_url));
    }
  }
  std::string release_url = dists_url(source, "Release");
  auto release_text = get_small(release_url, k_max_release);
  if (!release_text) {
    throw Error("no InRelease or Release file at " + redact_url(dists_url(source, "")) + " (" + source.origin + ")",
                "check the source's URI and suite");
  }
  auto signature = get_small(release_url + ".gpg", 1 << 20);
  try {
    if (!signature) {
      throw Error("the archive " + source.shown() + " is unsigned: it has no InRelease and no Release.gpg signature",
                  "apt refuses unsigned archives; pass --apt-allow-unauthenticated only if you trust it");
    }
    verify_detached(*release_text, *signature, keyrings, redact_url(release_url), scratch.path());
  } catch (const Error& error) {
    if (!may_skip_signature) throw;
    m_reporter.warning(std::string(error.what()) + "; using it anyway (--apt-allow-unauthenticated)");
  }
  return parse_release(*release_text, redact_url(release_url));
}

Digest AptArchiveClient::fetch_verified(const std::string& url, const std::string& sha256, std::uint64_t size,
                                        const std::string& what) {
  Digest expected = Digest::parse_or_throw("sha256:" + sha256, what);
  if (m_store.has(expected) && m_store.size_of(expected) == size) return expected;
  std::optional<BlobWriter> writer;
  std::uint64_t received = 0;
  HttpRequest request;
  request.sink = [&](const char* data, std::size_t length) {
    if (!writer) writer.emplace(m_store.writer());
    received += length;
    // A longer body than the index lists is refused at the first extra byte.
    if (received > size) return false;
    writer->write(data, length);
    m_reporter.progress("downloading packages", m_downloaded + received);
    return true;
  };
  // A transfer cut mid-body is retried from its first byte.
  auto start_over = [&] {
    writer.reset();
    received = 0;
  };
  HttpOutcome outcome = get(url, request, start_over);
  if (const auto* failure = outcome.failure()) {
    if (failure->kind != TransportFailure::Kind::aborted_by_sink) throw Error(failure->message);
    throw Error(what + " from " + redact_url(url) + " is larger than the " + std::to_string(size) +
                    " bytes its index lists",
                "the archive is inconsistent or the download was tampered with; nothing was stored");
  }
  if (outcome.response().status != 200) {
    throw Error("cannot download " + what + ": " + redact_url(url) + " answered HTTP " +
                std::to_string(outcome.response().status));
  }
  if (!writer) writer.emplace(m_store.writer());
  m_downloaded += received;
  return writer->commit(expected, size, what + " (checked against the SHA-256 its signed index lists)");
}

std::string AptArchiveClient::packages_index(const AptSource& source, const ReleaseFile& release,
                                             const std::string& component, const std::string& arch) {
  std::string stem = component + "/binary-" + arch + "/Packages";
  for (const char* suffix : {".xz", ".gz", ""}) {
    auto listed = release.files.find(stem + suffix);
    if (listed == release.files.end()) continue;
    std::string url = dists_url(source, stem + suffix);
    Digest digest = fetch_verified(url, listed->second.sha256, listed->second.size, redact_url(url));
    return decompress_file(m_store.path_of(digest), k_max_index, redact_url(url));
  }
  m_reporter.warning(source.shown() + " has no " + stem + " index (" + source.origin + ")");
  return {};
}

Digest AptArchiveClient::fetch_deb(const std::string& source_uri, const std::string& filename,
                                   const std::string& sha256, std::uint64_t size) {
  if (filename.empty() || filename.starts_with('/') || filename.find("..") != std::string::npos) {
    throw Error("the package index names an unsafe file \"" + filename + "\" at " + redact_url(source_uri));
  }
  return fetch_verified(source_uri + "/" + filename, sha256, size, filename);
}

}  // namespace venv2docker::debian
