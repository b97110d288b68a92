// SPDX-License-Identifier: GPL-3.0-or-later
// The system's wall clock, jitter and sleep behind the injectable clock types.
#include "lib/clock.hpp"

#include <chrono>
#include <ctime>
#include <doctest/doctest.h>
#include <set>

using namespace cps;

TEST_CASE("clock: the system wall clock is Unix seconds") {
  std::int64_t before = static_cast<std::int64_t>(std::time(nullptr));
  std::int64_t now = system_wall_clock()();
  std::int64_t after = static_cast<std::int64_t>(std::time(nullptr));
  CHECK(now >= before);
  CHECK(now <= after);
  CHECK(now > 1764000000); // later than November 2025
}

TEST_CASE("clock: the system jitter stays in [0, 1) and varies") {
  Jitter jitter = system_jitter();
  Jitter copy = jitter; // shares the engine
  std::set<double> seen;
  for (int i = 0; i < 200; ++i) {
    double value = (i % 2 == 0 ? jitter : copy)();
    CHECK(value >= 0.0);
    CHECK(value < 1.0);
    seen.insert(value);
  }
  CHECK(seen.size() > 190); // 32-bit draws: a repeat among 200 is all but impossible
}

TEST_CASE("clock: the system sleep waits at least as asked") {
  auto started = std::chrono::steady_clock::now();
  system_sleep()(std::chrono::milliseconds(20));
  CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(20));
}

TEST_CASE("clock: a default RetryTiming reads the system") {
  RetryTiming timing;
  CHECK(timing.now() > 1764000000);
  double jitter = timing.jitter();
  CHECK(jitter >= 0.0);
  CHECK(jitter < 1.0);
}
