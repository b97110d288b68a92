// SPDX-License-Identifier: GPL-3.0-or-later
// One deadline for the whole check, on an injected clock.
#include "lib/deadline.hpp"

#include <doctest/doctest.h>
#include <memory>

using namespace cps;
using std::chrono::milliseconds;

TEST_CASE("deadline: remaining time follows the injected clock and stops at zero") {
  auto now = std::make_shared<Deadline::Clock::time_point>(Deadline::Clock::time_point{});
  Deadline deadline(milliseconds(10000), [now] { return *now; });
  CHECK(deadline.budget() == milliseconds(10000));
  CHECK(deadline.remaining() == milliseconds(10000));
  CHECK_FALSE(deadline.expired());
  *now += milliseconds(9999);
  CHECK(deadline.remaining() == milliseconds(1));
  CHECK_FALSE(deadline.expired());
  *now += milliseconds(1);
  CHECK(deadline.remaining() == milliseconds(0));
  CHECK(deadline.expired());
  *now += milliseconds(5000);
  CHECK(deadline.remaining() == milliseconds(0));
  CHECK(deadline.expired());
}
