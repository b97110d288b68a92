// SPDX-License-Identifier: GPL-3.0-or-later
// When to retry, and how long to wait first.
#include "lib/retry.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace cps;
using std::chrono::milliseconds;

namespace {

constexpr std::int64_t now = 1445412480; // Wed, 21 Oct 2015 07:28:00 GMT

} // namespace

TEST_CASE("retry: is_retryable_status") {
  for (long status : {429L, 503L, 504L}) {
    CAPTURE(status);
    CHECK(is_retryable_status(status));
  }
  for (long status : {0L, 200L, 204L, 302L, 400L, 401L, 403L, 404L, 424L, 500L, 501L, 502L}) {
    CAPTURE(status);
    CHECK_FALSE(is_retryable_status(status));
  }
}

TEST_CASE("retry: parse_retry_after in seconds") {
  struct Case {
    const char *value;
    long long milliseconds;
  };
  for (const Case &row : std::vector<Case>{{"2", 2000},
                                           {"2.128", 2128},
                                           {" 3 ", 3000},
                                           {"\t1\r", 1000},
                                           {"0", 0},
                                           {"0.1", 100},
                                           {"0.0001", 1}, // rounded up, never a busy retry
                                           {"120", 120000},
                                           {"86400", 86400000}}) {
    INFO("row.value := " << std::string(row.value));
    auto wait = parse_retry_after(row.value, now);
    REQUIRE(wait.has_value());
    CHECK(*wait == milliseconds(row.milliseconds));
  }
}

TEST_CASE("retry: parse_retry_after with an HTTP date relative to now") {
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now) == milliseconds(10000));
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now) == milliseconds(0));
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now) == milliseconds(0)); // past
  CHECK(parse_retry_after("Tue, 20 Oct 2015 07:28:00 GMT", now) == milliseconds(0));
  CHECK(parse_retry_after("Thu, 22 Oct 2015 07:28:00 GMT", now) == milliseconds(86400000));
  CHECK_FALSE(parse_retry_after("Thu, 22 Oct 2015 07:28:01 GMT", now).has_value()); // too far
  CHECK_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:28:10 UTC", now).has_value());
  CHECK_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT junk", now).has_value());
}

TEST_CASE("retry: parse_retry_after rejects garbage, negatives and huge values") {
  for (const char *value : {"", " ", "soon", "2s", "2,5", "-1", "-0.5", "86401", "99999999999",
                            "1e300", "inf", "nan", "0x10z", "Wed, 21 Oct 2015"}) {
    INFO("value := " << std::string(value));
    CHECK_FALSE(parse_retry_after(value, now).has_value());
  }
}

TEST_CASE("retry: backoff_delay stays in [cap/2, cap) and grows to a 2 s cap") {
  for (double jitter : {0.0, 0.25, 0.5, 0.999}) {
    CAPTURE(jitter);
    milliseconds previous(0);
    for (int attempt = 1; attempt <= 40; ++attempt) {
      CAPTURE(attempt);
      long long cap = std::min<long long>(2000, 200LL << std::min(attempt - 1, 20));
      milliseconds delay = backoff_delay(attempt, jitter);
      CHECK(delay.count() >= cap / 2);
      CHECK(delay.count() <= cap);
      CHECK(delay >= previous); // never shrinks for the same jitter
      previous = delay;
    }
  }
  CHECK(backoff_delay(1, 0.0) == milliseconds(100));
  CHECK(backoff_delay(1, 0.5) == milliseconds(150));
  CHECK(backoff_delay(2, 0.0) == milliseconds(200));
  CHECK(backoff_delay(5, 0.0) == milliseconds(1000)); // 3200 capped to 2000
  CHECK(backoff_delay(1000, 0.999) <= milliseconds(2000));
  CHECK(backoff_delay(0, 0.0) == backoff_delay(1, 0.0));
  CHECK(backoff_delay(-5, 0.0) == backoff_delay(1, 0.0));
  // The documented limits, written out rather than read back from the policy: 3 attempts, and
  // no single wait (Retry-After or backoff) longer than 5 s.
  RetryPolicy policy;
  CHECK(policy.max_attempts == 3);
  CHECK(policy.max_wait == milliseconds(5000));
  CHECK(backoff_delay(3, 0.999) <= milliseconds(5000));
}

TEST_CASE("retry: policies add Graph's 424 and the metadata service's 404, 410 and 5xx") {
  RetryPolicy plain;
  RetryPolicy graph_batch;
  graph_batch.failed_dependency_is_throttling = true;
  RetryPolicy metadata;
  metadata.instance_metadata = true;
  for (long status : {429L, 503L, 504L}) {
    CAPTURE(status);
    CHECK(plain.retries(status));
    CHECK(graph_batch.retries(status));
    CHECK(metadata.retries(status));
  }
  CHECK_FALSE(plain.retries(424));
  CHECK(graph_batch.retries(424));
  CHECK_FALSE(metadata.retries(424));
  for (long status : {404L, 410L, 500L, 502L}) {
    CAPTURE(status);
    CHECK_FALSE(plain.retries(status));
    CHECK_FALSE(graph_batch.retries(status));
    CHECK(metadata.retries(status));
  }
  for (long status : {200L, 400L, 401L, 403L}) {
    CAPTURE(status);
    CHECK_FALSE(metadata.retries(status));
  }
}
