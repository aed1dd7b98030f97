// Talks to Debian archives over HTTP(S) as apt does: the signed Release of a
// suite, its Packages indexes and the .deb files, each verified against what
// the archive signed and kept in the blob store, so a second build with the
// same request downloads nothing but a conditional InRelease check.
#pragma once

#include <cstdint>
#include <ctime>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "debian/apt_sources.h"
#include "debian/openpgp_verify.h"
#include "debian/release_file.h"
#include "net/http_client.h"
#include "store/blob_store.h"
#include "store/digest.h"
#include "util/reporter.h"

namespace venv2docker::debian {

class AptArchiveClient {
 public:
  AptArchiveClient(const BlobStore& store, Reporter& reporter, bool allow_unauthenticated);

  /// The suite's Release: InRelease checked with gpgv against `keyrings`,
  /// else Release + Release.gpg. An unsigned or badly signed archive is an
  /// Error unless allow_unauthenticated (or the source says trusted=yes); then
  /// it is a warning. Whatever the signature, a Release of another suite, or
  /// one older than the newest this cache accepted for the source, is an Error
  /// naming the source.
  ReleaseFile release(const AptSource& source, const std::vector<Keyring>& keyrings);

  /// The decompressed Packages index of one component, fetched (or found
  /// intact in the store) by the SHA-256 the Release lists. Empty when the Release has
  /// no index for that component and architecture (apt warns; so do we).
  std::string packages_index(const AptSource& source, const ReleaseFile& release, const std::string& component,
                             const std::string& arch);

  /// Makes sure the .deb at `source_uri`/`filename` is in the store, checked
  /// against the SHA-256 and size its Packages entry lists.
  Digest fetch_deb(const std::string& source_uri, const std::string& filename, const std::string& sha256,
                   std::uint64_t size);

 private:
  HttpOutcome get(const std::string& url, HttpRequest request, const std::function<void()>& before_attempt = {}) const;
  HttpOutcome get_with_retries(const std::string& url, const HttpRequest& request,
                               const std::function<void()>& before_attempt) const;
  HttpResponse answer(const std::string& url, const HttpRequest& request) const;
  std::optional<std::string> get_small(const std::string& url, std::size_t cap) const;
  struct SuiteRecord;
  SuiteRecord read_suite_record(const std::string& inrelease_url) const;
  void write_suite_record(const std::string& inrelease_url, const SuiteRecord& record) const;
  std::string fetch_inrelease(const std::string& url, SuiteRecord& last) const;
  ReleaseFile clearsigned_release(const AptSource& source, const std::string& inrelease, const std::string& shown_url,
                                  const std::vector<Keyring>& keyrings) const;
  ReleaseFile detached_release(const AptSource& source, const std::vector<Keyring>& keyrings) const;
  void require_current_release(const AptSource& source, const ReleaseFile& release,
                               std::optional<std::time_t> accepted_date) const;
  /// Downloads `url` into the store (whatever the store holds), refused unless
  /// its bytes have `sha256` and `size`.
  Digest download_verified(const std::string& url, const std::string& sha256, std::uint64_t size,
                           const std::string& what);

  const BlobStore& m_store;
  Reporter& m_reporter;
  bool m_allow_unauthenticated;
  HttpClient m_client;
  std::uint64_t m_downloaded = 0;
};

/// The bytes of a gzip-, xz- or uncompressed file, read with libarchive, at
/// most `cap` bytes. Throws Error naming `what`.
std::string decompress_file(const std::filesystem::path& file, std::size_t cap, const std::string& what);

}  // namespace venv2docker::debian
