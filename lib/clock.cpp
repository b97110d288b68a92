// SPDX-License-Identifier: GPL-3.0-or-later
// The check's wall clock, its waits and its one source of jitter, each injectable for tests.
#include "clock.hpp"

#include <ctime>
#include <memory>
#include <optional>
#include <random>
#include <thread>

namespace cps {

WallClock system_wall_clock() {
  return [] { return static_cast<std::int64_t>(std::time(nullptr)); };
}

Jitter system_jitter() {
  // Seeded lazily: most checks never retry, and need not read the kernel's entropy for it.
  auto engine = std::make_shared<std::optional<std::mt19937>>();
  return [engine] {
    if (!*engine) {
      engine->emplace(std::random_device{}());
    }
    // A 32-bit draw over 2^32 stays below 1, which uniform_real_distribution does not promise.
    return static_cast<double>((**engine)()) / 4294967296.0;
  };
}

Sleep system_sleep() {
  return [](std::chrono::milliseconds wait) { std::this_thread::sleep_for(wait); };
}

} // namespace cps
