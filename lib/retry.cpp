// SPDX-License-Identifier: GPL-3.0-or-later
// When to retry a throttled or unavailable request, and how long to wait first.
#include "retry.hpp"

#include "text.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <string>

namespace cps {

bool is_retryable_status(long status) {
  return status == 429 || status == 503 || status == 504;
}

namespace {

std::optional<std::chrono::milliseconds> parse_seconds(std::string_view value) {
  std::string text(value);
  char *end = nullptr;
  double seconds = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(seconds) || seconds < 0 ||
      seconds > 86400) {
    return std::nullopt;
  }
  // Rounded up without std::ceil, which would make the plugin load libm just for this.
  double milliseconds = seconds * 1000;
  auto whole = static_cast<long long>(milliseconds);
  return std::chrono::milliseconds(whole < milliseconds ? whole + 1 : whole);
}

// IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT".
std::optional<std::int64_t> parse_http_date(std::string_view value) {
  std::string text(value);
  struct tm parts {};
  const char *end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &parts);
  if (end == nullptr || *end != '\0') {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(timegm(&parts));
}

} // namespace

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::int64_t now_unix) {
  value = trim(value);
  if (value.empty()) {
    return std::nullopt;
  }
  if (auto seconds = parse_seconds(value)) {
    return seconds;
  }
  if (auto date = parse_http_date(value)) {
    std::int64_t wait = std::max<std::int64_t>(0, *date - now_unix);
    return wait > 86400 ? std::nullopt : std::optional(std::chrono::milliseconds(wait * 1000));
  }
  return std::nullopt;
}

std::chrono::milliseconds backoff_delay(int attempt, double jitter) {
  constexpr long long base_ms = 200;
  constexpr long long cap_ms = 2000;
  long long exponential = base_ms << std::clamp(attempt - 1, 0, 8);
  long long delay = std::min(cap_ms, exponential);
  return std::chrono::milliseconds(delay / 2 + static_cast<long long>(delay / 2 * jitter));
}

} // namespace cps
