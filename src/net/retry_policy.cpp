#include "net/retry_policy.h"

#include <algorithm>
#include <cctype>
#include <random>
#include <string>

#include "net/curl_library.h"

namespace venv2docker {

namespace {

constexpr auto k_max_backoff = std::chrono::seconds(30);
constexpr auto k_max_retry_after = std::chrono::seconds(120);

}  // namespace

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, std::time_t now) {
  std::string text(value);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.erase(0, 1);
  if (text.empty()) return std::nullopt;
  if (std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    if (text.size() > 9) return std::chrono::seconds(999999999);
    return std::chrono::seconds(std::stoll(text));
  }
  std::time_t when = curl().getdate(text.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  return std::chrono::seconds(when > now ? when - now : 0);
}

RetryPolicy::RetryPolicy(unsigned attempts, std::chrono::milliseconds base)
    : m_attempts(std::max(1u, attempts)), m_base(base) {}

std::chrono::milliseconds RetryPolicy::backoff(unsigned attempt) const {
  // Jitter keeps many clients that failed together from retrying together.
  static thread_local std::mt19937 random{std::random_device{}()};
  const double doubled = static_cast<double>(m_base.count()) * static_cast<double>(1u << std::min(attempt, 10u));
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  auto wait = std::chrono::milliseconds(static_cast<long long>(doubled * jitter(random)));
  return std::min<std::chrono::milliseconds>(wait, k_max_backoff);
}

std::optional<std::chrono::milliseconds> RetryPolicy::wait_after(const HttpResponse& response, unsigned attempt) const {
  if (auto header = response.headers.get("retry-after")) {
    if (auto asked = parse_retry_after(*header, std::time(nullptr))) {
      if (*asked > k_max_retry_after) return std::nullopt;
      return std::chrono::duration_cast<std::chrono::milliseconds>(*asked);
    }
  }
  return backoff(attempt);
}

std::optional<std::chrono::milliseconds> RetryPolicy::wait_before_retry(const HttpResponse& response,
                                                                        unsigned attempt) const {
  if (!is_retriable_status(response.status) || !has_retry_after(attempt)) return std::nullopt;
  return wait_after(response, attempt);
}

}  // namespace venv2docker
