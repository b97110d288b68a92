// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes Retry-After parsing (seconds, fractional seconds, HTTP dates) and the backoff: every
// wait is between 0 and one day, every backoff within its cap.
#include "lib/retry.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  if (size < sizeof(std::uint32_t)) {
    return 0;
  }
  std::uint32_t seed = 0;
  std::memcpy(&seed, data, sizeof seed);
  std::string_view value(reinterpret_cast<const char *>(data + sizeof seed), size - sizeof seed);
  // Around today, so HTTP dates in the near future give waits too.
  std::int64_t now = 1764150000 + static_cast<std::int64_t>(seed % 200000) - 100000;
  auto wait = cps::parse_retry_after(value, now);
  if (wait) {
    cps::fuzz::require(wait->count() >= 0 && *wait <= std::chrono::hours(24),
                       "a Retry-After wait is between 0 and one day", value);
  }
  int attempt = static_cast<int>(seed >> 16) - 1000;
  double jitter = (seed & 0xFFFF) / 65536.0;
  auto delay = cps::backoff_delay(attempt, jitter);
  cps::fuzz::require(delay.count() >= 0 && delay <= std::chrono::seconds(2),
                     "a backoff is between 0 and its 2 s cap");
  return 0;
}
