// When to ask a server again, and how long to wait first: shared by the
// registry session and the apt archive client, so both back off alike and
// both honour a server's Retry-After (RFC 9110 §10.2.3).
#pragma once

#include <chrono>
#include <ctime>
#include <optional>
#include <string_view>

#include "net/http_client.h"

namespace venv2docker {

/// Retry-After as a wait: delay-seconds or an HTTP date (relative to `now`).
/// std::nullopt when it is neither; a date in the past is zero seconds.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, std::time_t now);

class RetryPolicy {
 public:
  /// Up to `attempts` tries in all, waiting `base`, 2 x `base`, 4 x `base`...
  /// between them (each within ±20 %, at most 30 s).
  RetryPolicy(unsigned attempts, std::chrono::milliseconds base);

  /// True when try number `attempt` (from 0) may be followed by another.
  bool has_retry_after(unsigned attempt) const { return attempt + 1 < m_attempts; }
  /// The wait after a failed try that had no answer (a dropped connection).
  std::chrono::milliseconds backoff(unsigned attempt) const;
  /// The wait after `response`, a retriable status: what its Retry-After asks,
  /// else backoff(attempt). std::nullopt when Retry-After asks for more than
  /// two minutes: better to give up and say so than to hang.
  std::optional<std::chrono::milliseconds> wait_after(const HttpResponse& response, unsigned attempt) const;
  /// The wait before asking again after `response` to try number `attempt`,
  /// or std::nullopt when the response is final: a status not worth
  /// repeating, no try left, or a Retry-After longer than we wait.
  std::optional<std::chrono::milliseconds> wait_before_retry(const HttpResponse& response, unsigned attempt) const;

 private:
  unsigned m_attempts;
  std::chrono::milliseconds m_base;
};

}  // namespace venv2docker
