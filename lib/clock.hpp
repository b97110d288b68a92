// SPDX-License-Identifier: GPL-3.0-or-later
// The check's wall clock, its waits and its one source of jitter, each injectable for tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace cps {

// Returns the current time as Unix seconds.
using WallClock = std::function<std::int64_t()>;

// Returns a fraction in [0, 1) that spreads the retries of many checks apart.
using Jitter = std::function<double()>;

// Blocks the check for the given time.
using Sleep = std::function<void(std::chrono::milliseconds)>;

// std::time: the only place lib/ reads the wall clock.
WallClock system_wall_clock();

// The only jitter source: a Mersenne Twister seeded from std::random_device on its first use,
// owned by the returned function (its copies share it).
Jitter system_jitter();

// std::this_thread::sleep_for.
Sleep system_sleep();

// What a retry loop reads besides its deadline: the wall clock (Retry-After dates), the jitter of
// its backoffs and the waits between tries.
struct RetryTiming {
  WallClock now = system_wall_clock();
  Jitter jitter = system_jitter();
  Sleep sleep = system_sleep();
};

} // namespace cps
