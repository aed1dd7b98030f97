#include "debian/apt_archive_client.h"

#include <thread>

#include "net/retry_policy.h"
#include "store/cache_record.h"
#include "tar/archive_reader.h"
#include "util/error.h"
#include "util/file_bytes.h"
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

// True when the store holds the blob whole: its size and its bytes' SHA-256.
bool stored_blob_intact(const BlobStore& store, const Digest& digest, std::uint64_t size) {
  if (!store.has(digest) || store.size_of(digest) != size) return false;
  Sha256 hash;
  stream_file(store.path_of(digest), size + 1, [&](const char* data, std::size_t length) { hash.update(data, length); },
              "blob " + digest.str());
  return hash.finish() == digest;
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

// What the cache keeps of a suite: the last InRelease as served, with the
// SHA-256 of its text (a copy whose bytes changed on disk is no copy) and the
// validators the server gave with it (ETag, Last-Modified), so an unchanged
// suite costs one conditional request answered 304; the copy is verified again
// on every use, like a fresh download, because the keyrings may have changed.
// And the Date of the newest Release accepted, which a later answer may not go
// below (apt's rule: a mirror replaying an older, still validly signed Release
// would hide security updates).
struct AptArchiveClient::SuiteRecord {
  std::string etag;
  std::string last_modified;
  std::optional<std::string> inrelease;
  std::optional<std::time_t> date;

  /// True when a 304 would have a copy to stand for.
  bool can_revalidate() const { return inrelease && (!etag.empty() || !last_modified.empty()); }
  void forget_copy() {
    inrelease.reset();
    etag.clear();
    last_modified.clear();
  }
};

namespace {

constexpr CacheRecordKind k_suite_record{"apt-inrelease", 3, k_max_release + 4096};

fs::path suite_record_path(const BlobStore& store, const std::string& inrelease_url) {
  return cache_record_path(store.root(), "apt/inrelease", sha256_of(inrelease_url));
}

}  // namespace

AptArchiveClient::SuiteRecord AptArchiveClient::read_suite_record(const std::string& inrelease_url) const {
  SuiteRecord last;
  std::optional<nlohmann::json> body = read_cache_record(suite_record_path(m_store, inrelease_url), k_suite_record);
  if (!body) return last;
  try {
    if (body->contains("date")) last.date = body->at("date").get<std::int64_t>();
    if (body->contains("text")) {
      std::string text = bytes_from_cache(body->at("text"));
      // A damaged copy is as good as none: the next request is unconditional.
      if (sha256_of(text).str() != body->value("text_sha256", "")) return last;
      last.inrelease = std::move(text);
      last.etag = body->value("etag", "");
      last.last_modified = body->value("last_modified", "");
    }
  } catch (const nlohmann::json::exception&) {
    return {};  // a damaged record is no date to offer
  }
  return last;
}

void AptArchiveClient::write_suite_record(const std::string& inrelease_url, const SuiteRecord& record) const {
  nlohmann::json body = nlohmann::json::object();
  if (record.date) body["date"] = static_cast<std::int64_t>(*record.date);
  // Only a copy a 304 can stand for is worth keeping.
  if (record.can_revalidate()) {
    body["text"] = cache_bytes(*record.inrelease);
    body["text_sha256"] = sha256_of(*record.inrelease).str();
    if (!record.etag.empty()) body["etag"] = record.etag;
    if (!record.last_modified.empty()) body["last_modified"] = record.last_modified;
  }
  write_cache_record(suite_record_path(m_store, inrelease_url), k_suite_record, body);
}

// InRelease, conditionally when the record holds an intact copy with the
// server's validators (If-None-Match for an ETag, If-Modified-Since for a
// Last-Modified, as a cache in front of the mirror would send them): the
// answer's text (the recorded one on a 304), empty when there is none. `last`
// becomes what to record once the Release is accepted.
std::string AptArchiveClient::fetch_inrelease(const std::string& url, SuiteRecord& last) const {
  HttpRequest request;
  request.max_body = k_max_release;
  if (last.can_revalidate()) {
    if (!last.etag.empty()) request.headers.push_back("If-None-Match: " + last.etag);
    if (!last.last_modified.empty()) request.headers.push_back("If-Modified-Since: " + last.last_modified);
  } else {
    last.forget_copy();
  }
  HttpResponse response = answer(url, request);
  if (response.status == 304 && last.inrelease) return *last.inrelease;
  last.forget_copy();
  if (response.status == 304) {
    // Not modified since a copy we do not hold (a cache in between answered
    // for someone else's request): ask once more for the file itself.
    m_reporter.detail(redact_url(url) + " answered 304 to an unconditional request: asking again");
    request.headers.push_back("Cache-Control: no-cache");
    response = answer(url, request);
  }
  if (response.status == 404 || response.status == 410) return {};
  if (response.status != 200) throw Error(redact_url(url) + " answered HTTP " + std::to_string(response.status));
  if (auto etag = response.headers.get("etag")) last.etag = trim(*etag);
  if (auto date = response.headers.get("last-modified")) last.last_modified = trim(*date);
  last.inrelease = response.body;
  return response.body;
}

ReleaseFile AptArchiveClient::release(const AptSource& source, const std::vector<Keyring>& keyrings) {
  std::string inrelease_url = dists_url(source, "InRelease");
  m_reporter.detail("Reading " + redact_url(inrelease_url));
  SuiteRecord record = read_suite_record(inrelease_url);
  const std::optional<std::time_t> accepted_date = record.date;
  std::string inrelease = fetch_inrelease(inrelease_url, record);
  ReleaseFile release = inrelease.empty() ? detached_release(source, keyrings)
                                          : clearsigned_release(source, inrelease, redact_url(inrelease_url), keyrings);
  require_current_release(source, release, accepted_date);
  if (release.date && (!record.date || *release.date > *record.date)) record.date = release.date;
  write_suite_record(inrelease_url, record);
  return release;
}

// The Release must be the suite's, and no older than the newest one this cache
// accepted for it (apt's VerifyVendor: a signature alone proves only that the
// archive once published the file).
void AptArchiveClient::require_current_release(const AptSource& source, const ReleaseFile& release,
                                               std::optional<std::time_t> accepted_date) const {
  const std::string where = redact_url(source.uri) + " " + source.suite + " (" + source.origin + ")";
  if (!release_is_for_suite(release, source.suite)) {
    throw Error("the Release of " + where + " is for suite \"" + release.suite + "\" (codename \"" +
                    release.codename + "\"), not " + source.suite,
                "the mirror serves another release under " + source.suite +
                    "'s name (apt refuses such a Release too); correct the source's suite, or use a mirror that "
                    "serves " + source.suite);
  }
  if (!accepted_date) return;
  if (!release.date || *release.date < *accepted_date) {
    throw Error("the Release of " + where + " is dated " +
                    (release.date ? format_release_date(*release.date) : std::string("nowhere (no Date field)")) +
                    ", older than the " + format_release_date(*accepted_date) + " one this cache already accepted",
                "the mirror serves an out-of-date copy, or replays an old Release to hide updates; use an up-to-date "
                "mirror (if the archive really went back in time, use another --cache-dir)");
  }
}

// A clear-signed InRelease: the text that was signed, parsed.
ReleaseFile AptArchiveClient::clearsigned_release(const AptSource& source, const std::string& inrelease,
                                                  const std::string& shown_url,
                                                  const std::vector<Keyring>& keyrings) const {
  ScratchFolder scratch(m_store.root() / "tmp", "gpgv");
  try {
    return parse_release(verify_clearsigned(inrelease, keyrings, shown_url, scratch.path()), shown_url);
  } catch (const Error& error) {
    if (!m_allow_unauthenticated && !source.trusted) throw;
    m_reporter.warning(std::string(error.what()) + "; using it anyway (--apt-allow-unauthenticated)");
    // A clear-signed file's text sits between the header's blank line and
    // the signature block.
    auto start = inrelease.find("\n\n");
    auto end = inrelease.find("\n-----BEGIN PGP SIGNATURE-----");
    if (start == std::string::npos || end == std::string::npos || end < start) {
      throw Error(shown_url + " is not a clear-signed file", "check the source's URI and suite");
    }
    return parse_release(inrelease.substr(start + 2, end - start - 2), shown_url);
  }
}

// Release with its detached signature Release.gpg, for archives without InRelease.
ReleaseFile AptArchiveClient::detached_release(const AptSource& source, const std::vector<Keyring>& keyrings) const {
  std::string release_url = dists_url(source, "Release");
  auto release_text = get_small(release_url, k_max_release);
  if (!release_text) {
    throw Error("no InRelease or Release file at " + redact_url(dists_url(source, "")) + " (" + source.origin + ")",
                "check the source's URI and suite");
  }
  auto signature = get_small(release_url + ".gpg", 1 << 20);
  ScratchFolder scratch(m_store.root() / "tmp", "gpgv");
  try {
    if (!signature) {
      throw Error("the archive " + source.shown() + " is unsigned: it has no InRelease and no Release.gpg signature",
                  "apt refuses unsigned archives; pass --apt-allow-unauthenticated only if you trust it");
    }
    verify_detached(*release_text, *signature, keyrings, redact_url(release_url), scratch.path());
  } catch (const Error& error) {
    if (!m_allow_unauthenticated && !source.trusted) throw;
    m_reporter.warning(std::string(error.what()) + "; using it anyway (--apt-allow-unauthenticated)");
  }
  return parse_release(*release_text, redact_url(release_url));
}

Digest AptArchiveClient::download_verified(const std::string& url, const std::string& sha256, std::uint64_t size,
                                           const std::string& what) {
  Digest expected = Digest::parse_or_throw("sha256:" + sha256, what);
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
    Digest digest = Digest::parse_or_throw("sha256:" + listed->second.sha256, redact_url(url));
    // The stored copy is hashed before it is trusted (its bytes are read whole
    // anyway): a damaged one is downloaded again, not read as the catalog.
    if (!stored_blob_intact(m_store, digest, listed->second.size)) {
      download_verified(url, listed->second.sha256, listed->second.size, redact_url(url));
    }
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
  Digest expected = Digest::parse_or_throw("sha256:" + sha256, filename);
  if (m_store.has(expected) && m_store.size_of(expected) == size) return expected;
  return download_verified(source_uri + "/" + filename, sha256, size, filename);
}

}  // namespace venv2docker::debian
