// SPDX-License-Identifier: GPL-3.0-or-later
// Service states, exit codes and which state is worse.
#include "lib/state.hpp"

#include <doctest/doctest.h>

using namespace cps;

TEST_CASE("state: names and exit codes") {
  CHECK(state_name(State::Ok) == "OK");
  CHECK(state_name(State::Warning) == "WARNING");
  CHECK(state_name(State::Critical) == "CRITICAL");
  CHECK(state_name(State::Unknown) == "UNKNOWN");
  CHECK(exit_code(State::Ok) == 0);
  CHECK(exit_code(State::Warning) == 1);
  CHECK(exit_code(State::Critical) == 2);
  CHECK(exit_code(State::Unknown) == 3);
}

TEST_CASE("state: worst orders OK < WARNING < UNKNOWN < CRITICAL") {
  const State order[] = {State::Ok, State::Warning, State::Unknown, State::Critical};
  for (int a = 0; a < 4; ++a) {
    for (int b = 0; b < 4; ++b) {
      CAPTURE(a);
      CAPTURE(b);
      CHECK(worst(order[a], order[b]) == order[a > b ? a : b]);
    }
  }
}
