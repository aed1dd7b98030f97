#include "remote/registry_blobs.h"

#include <algorithm>
#include <thread>
#include <variant>

namespace venv2docker {

namespace {

constexpr std::uint64_t k_first_chunk = std::uint64_t{8} << 20;
constexpr std::uint64_t k_smallest_chunk = std::uint64_t{64} << 10;

std::string with_digest(const std::string& location, const Digest& digest) {
  return location + (location.find('?') == std::string::npos ? "?" : "&") + "digest=" + digest.str();
}

// The upload URL the registry gave: Location resolved against the request.
std::string next_location(RegistrySession& session, const RegistryRequest& request, const HttpResponse& response,
                          const std::string& doing) {
  auto location = response.headers.get("location");
  if (!location || location->empty()) session.fail(request, response, doing + " (no Location in the answer)");
  return resolve_url(session.absolute(request.target), *location);
}

void cancel_upload(RegistrySession& session, const std::string& location) {
  try {
    RegistryRequest request;
    request.method = "DELETE";
    request.target = location;
    request.retry = false;
    session.send(request);
  } catch (const Error&) {
    // Abandoned sessions expire on their own.
  }
}

// Why an upload must start over from a new session (sessions are
// single-use): a connection that kept breaking, or a status worth another
// try. An outcome push_blob acts on, not an error until its tries run out.
struct StartOver {
  std::string why;
};

template <typename T>
using OrStartOver = std::variant<T, StartOver>;

// try_send, with a connection that kept breaking as a StartOver.
OrStartOver<HttpResponse> send_in_upload(RegistrySession& session, const RegistryRequest& request) {
  HttpOutcome outcome = session.try_send(request);
  if (const auto* failure = outcome.failure()) return StartOver{failure->message};
  return std::move(outcome.response());
}

StartOver retriable_answer(const std::string& doing, RegistrySession& session, const HttpResponse& response) {
  return StartOver{doing + ": registry " + session.registry() + " answered " + describe_answer(response)};
}

// A new upload session's location.
OrStartOver<std::string> start_upload(RegistrySession& session, const std::string& repository,
                                      std::uint64_t* min_chunk) {
  RegistryRequest request;
  request.method = "POST";
  request.target = "/v2/" + repository + "/blobs/uploads/";
  auto sent = send_in_upload(session, request);
  if (auto* start_over = std::get_if<StartOver>(&sent)) return *start_over;
  const HttpResponse& response = std::get<HttpResponse>(sent);
  if (response.status != 202) session.fail(request, response, "cannot start an upload");
  if (min_chunk) {
    if (auto text = response.headers.get("oci-chunk-min-length")) {
      try {
        *min_chunk = std::stoull(*text);
      } catch (const std::exception&) {
      }
    }
  }
  return next_location(session, request, response, "cannot start an upload");
}

// Tracks the bytes of one upload for the shared progress line.
struct UploadProgress {
  SharedReporter& reporter;
  std::uint64_t reported = 0;
  std::uint64_t base = 0;  // bytes of earlier chunks
  void operator()(std::uint64_t sent) {
    std::uint64_t total = base + sent;
    if (total > reported) {
      reporter.add_progress(total - reported);
      reported = total;
    }
  }
};

// One PUT with the whole blob. Returns the status (201 on success, 413 when
// the registry or a proxy wants chunks).
OrStartOver<long> put_whole(RegistrySession& session, const std::string& location, const Descriptor& blob,
                            const BlobStore& store, SharedReporter& reporter) {
  RegistryRequest request;
  request.method = "PUT";
  request.target = with_digest(location, blob.digest);
  request.headers = {"Content-Type: application/octet-stream"};
  request.body = RequestBody{{}, store.path_of(blob.digest), 0, blob.size};
  request.retry = false;
  UploadProgress progress{reporter};
  request.upload_progress = [&](std::uint64_t sent) { progress(sent); };
  auto sent = send_in_upload(session, request);
  if (auto* start_over = std::get_if<StartOver>(&sent)) return *start_over;
  const HttpResponse& response = std::get<HttpResponse>(sent);
  if (response.status == 201 || response.status == 413) return response.status;
  if (is_retriable_status(response.status)) return retriable_answer("uploading " + blob.digest.str(), session, response);
  session.fail(request, response, "cannot upload " + blob.digest.str());
}

// PATCH chunks of `chunk` bytes into a fresh session, then PUT ?digest=.
// Returns false when a chunk was refused as too large (413).
OrStartOver<bool> put_chunked(RegistrySession& session, const std::string& repository, const Descriptor& blob,
                              const BlobStore& store, SharedReporter& reporter, std::uint64_t& chunk) {
  std::uint64_t min_chunk = 0;
  auto started = start_upload(session, repository, &min_chunk);
  if (auto* start_over = std::get_if<StartOver>(&started)) return *start_over;
  std::string location = std::get<std::string>(started);
  chunk = std::max(chunk, min_chunk);
  UploadProgress progress{reporter};
  std::uint64_t offset = 0;
  while (offset < blob.size) {
    std::uint64_t length = std::min(chunk, blob.size - offset);
    RegistryRequest request;
    request.method = "PATCH";
    request.target = location;
    request.headers = {"Content-Type: application/octet-stream",
                       "Content-Range: " + std::to_string(offset) + "-" + std::to_string(offset + length - 1)};
    request.body = RequestBody{{}, store.path_of(blob.digest), offset, length};
    request.retry = false;
    progress.base = offset;
    request.upload_progress = [&](std::uint64_t sent) { progress(sent); };
    auto sent = send_in_upload(session, request);
    if (auto* start_over = std::get_if<StartOver>(&sent)) return *start_over;
    const HttpResponse& response = std::get<HttpResponse>(sent);
    if (response.status == 413 && chunk > k_smallest_chunk && chunk > min_chunk) {
      cancel_upload(session, location);
      return false;
    }
    if (is_retriable_status(response.status)) {
      cancel_upload(session, location);
      return retriable_answer("uploading " + blob.digest.str(), session, response);
    }
    if (response.status != 202 && response.status != 204 && response.status != 201) {
      cancel_upload(session, location);
      session.fail(request, response, "cannot upload a chunk of " + blob.digest.str());
    }
    location = next_location(session, request, response, "cannot upload a chunk of " + blob.digest.str());
    offset += length;
  }
  RegistryRequest finish;
  finish.method = "PUT";
  finish.target = with_digest(location, blob.digest);
  finish.body = RequestBody{};
  finish.retry = false;
  auto sent = send_in_upload(session, finish);
  if (auto* start_over = std::get_if<StartOver>(&sent)) return *start_over;
  const HttpResponse& response = std::get<HttpResponse>(sent);
  if (is_retriable_status(response.status)) {
    return retriable_answer("finishing the upload of " + blob.digest.str(), session, response);
  }
  if (response.status != 201) session.fail(finish, response, "cannot finish the upload of " + blob.digest.str());
  return true;
}

// One try at uploading `blob`: into the session at `location` when the mount
// left one, else a new one; as chunks once the registry refused a whole PUT
// (`chunked`). Nothing when the blob is uploaded.
std::optional<StartOver> upload_once(RegistrySession& session, const std::string& repository,
                                     const Descriptor& blob, const BlobStore& store, SharedReporter& reporter,
                                     std::optional<std::string> location, bool& chunked, std::uint64_t& chunk) {
  if (!chunked) {
    if (!location) {
      auto started = start_upload(session, repository, nullptr);
      if (auto* start_over = std::get_if<StartOver>(&started)) return *start_over;
      location = std::get<std::string>(started);
    }
    auto status = put_whole(session, *location, blob, store, reporter);
    if (auto* start_over = std::get_if<StartOver>(&status)) return *start_over;
    if (std::get<long>(status) == 201) return std::nullopt;
    reporter.detail(blob.digest.str() + ": one-request upload refused (413), uploading in chunks");
    cancel_upload(session, *location);
    chunked = true;
  }
  for (;;) {
    auto uploaded = put_chunked(session, repository, blob, store, reporter, chunk);
    if (auto* start_over = std::get_if<StartOver>(&uploaded)) return *start_over;
    if (std::get<bool>(uploaded)) return std::nullopt;
    chunk /= 2;
  }
}

bool registry_has(RegistrySession& session, const std::string& repository, const Descriptor& blob) {
  RegistryRequest request;
  request.method = "HEAD";
  request.target = "/v2/" + repository + "/blobs/" + blob.digest.str();
  HttpResponse response = session.send(request);
  if (response.status == 200) {
    // A registry that has it with another size has something else.
    auto length = response.headers.get("content-length");
    return !length || *length == std::to_string(blob.size);
  }
  return false;
}

}  // namespace

void fetch_blob(RegistrySession& session, const std::string& repository, const Descriptor& blob,
                const BlobStore& store, SharedReporter& reporter, const std::string& where, const BlobTaps& taps) {
  if (store.has(blob.digest)) return;
  std::optional<BlobWriter> writer;
  std::unique_ptr<ByteTap> tap;
  std::uint64_t received = 0;
  bool too_long = false;
  RegistryRequest request;
  // The digest was validated when its descriptor was parsed: safe in a URL.
  request.target = "/v2/" + repository + "/blobs/" + blob.digest.str();
  request.before_attempt = [&] {
    tap.reset();  // what it saw of the last try is discarded
    if (taps) tap = taps(blob);
    writer.emplace(store.writer());
    received = 0;
    too_long = false;
  };
  request.sink = [&](const char* data, std::size_t size) {
    if (received + size > blob.size) {
      too_long = true;
      return false;
    }
    writer->write(data, size);
    if (tap) tap->write(data, size);
    received += size;
    reporter.add_progress(size);
    return true;
  };
  std::string what = "blob " + blob.digest.str() + " of " + where;
  HttpResponse response;
  try {
    response = session.send(request);
  } catch (const Error& error) {
    if (too_long) {
      throw Error("registry " + session.registry() + " sent more than the " + std::to_string(blob.size) +
                      " bytes of " + what,
                  "the registry (or something between it and us) changed the image; nothing was stored");
    }
    throw;
  }
  if (response.status != 200) session.fail(request, response, "cannot download " + what);
  if (auto length = response.headers.get("content-length"); length && *length != std::to_string(blob.size)) {
    throw Error("registry " + session.registry() + " sent " + *length + " bytes for " + what + ", expected " +
                std::to_string(blob.size));
  }
  writer->commit(blob.digest, blob.size, what);
  if (tap) tap->verified();
}

BlobPush push_blob(RegistrySession& session, const std::string& repository, const std::string& mount_from,
                   const Descriptor& blob, const BlobStore& store, SharedReporter& reporter, unsigned attempts) {
  if (registry_has(session, repository, blob)) {
    reporter.detail(blob.digest.str() + ": already in " + session.registry() + "/" + repository);
    return BlobPush::existed;
  }
  std::optional<std::string> location;
  if (!mount_from.empty()) {
    RegistryRequest request;
    request.method = "POST";
    request.target = "/v2/" + repository + "/blobs/uploads/?mount=" + blob.digest.str() + "&from=" + mount_from;
    std::optional<HttpOutcome> sent;
    try {
      sent = session.try_send(request);
    } catch (const Error& error) {
      // Some registries answer a mount they will not do with 401 (Harbor):
      // an ordinary upload may still be allowed.
      reporter.detail(blob.digest.str() + ": not mounted (" + error.what() + "), uploading");
    }
    if (sent && sent->failure()) throw Error(sent->failure()->message);
    const HttpResponse response = sent ? std::move(sent->response()) : HttpResponse{};  // status 0: refused
    if (response.status == 201) {
      reporter.detail(blob.digest.str() + ": mounted from " + mount_from);
      return BlobPush::mounted;
    }
    // 202: the registry started an ordinary upload instead; anything else:
    // start one ourselves (registries refuse mounts in many ways).
    if (response.status == 202 && response.headers.get("location")) {
      location = next_location(session, request, response, "cannot start an upload");
    }
    reporter.detail(blob.digest.str() + ": not mounted (" + std::to_string(response.status) + "), uploading");
  }
  if (!store.has(blob.digest)) throw Error("blob " + blob.digest.str() + " to push is not in " + store.root().string());
  std::uint64_t chunk = k_first_chunk;
  bool chunked = false;
  for (unsigned attempt = 0;; ++attempt) {
    std::optional<StartOver> start_over =
        upload_once(session, repository, blob, store, reporter, location, chunked, chunk);
    if (!start_over) break;
    // Upload sessions are single-use: start over from a new one.
    location.reset();
    if (attempt + 1 >= attempts) throw Error(start_over->why);
    reporter.detail(start_over->why + "; starting the upload again");
    std::this_thread::sleep_for(session.retry().backoff(attempt));
  }
  reporter.detail(blob.digest.str() + ": uploaded (" + std::to_string(blob.size) + " bytes)");
  return BlobPush::uploaded;
}

}  // namespace venv2docker
