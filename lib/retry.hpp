// SPDX-License-Identifier: GPL-3.0-or-later
// When to retry a throttled or unavailable request, and how long to wait first.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace cps {

// 429, 503 and 504 are worth another try; everything else is final.
bool is_retryable_status(long status);

// The wait a Retry-After value asks for: seconds ("2", "2.128") or an HTTP date, relative to now
// (Unix seconds). nullopt when absent or unreadable.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::int64_t now_unix);

// Capped exponential backoff for retry number attempt (1, 2, ...) with jitter in [0, 1).
std::chrono::milliseconds backoff_delay(int attempt, double jitter);

struct RetryPolicy {
  int max_attempts = 3;
  std::chrono::milliseconds max_wait{5000}; // never wait longer than this for one retry
  // Graph may fail a whole throttled $batch with 424 Failed Dependency (its throttling guide).
  bool failed_dependency_is_throttling = false;
  // Azure's instance metadata service asks for retries of 404, 410 (it is being updated) and
  // every 5xx, besides 429.
  bool instance_metadata = false;
  // A status retried past max_attempts, until the deadline (IMDS 410: being updated); 0: none.
  long retry_until_deadline_status = 0;

  bool retries(long status) const {
    return is_retryable_status(status) || (failed_dependency_is_throttling && status == 424) ||
           (instance_metadata && (status == 404 || status == 410 || status >= 500));
  }
};

} // namespace cps
