// SPDX-License-Identifier: GPL-3.0-or-later
// Monitoring Plugins service states and their exit codes.
#pragma once

#include <string_view>

namespace cps {

enum class State { Ok = 0, Warning = 1, Critical = 2, Unknown = 3 };

constexpr int exit_code(State state) {
  return static_cast<int>(state);
}

constexpr std::string_view state_name(State state) {
  switch (state) {
  case State::Ok:
    return "OK";
  case State::Warning:
    return "WARNING";
  case State::Critical:
    return "CRITICAL";
  case State::Unknown:
    break;
  }
  return "UNKNOWN";
}

// UNKNOWN outranks OK and WARNING but not CRITICAL, as in the Monitoring Plugins.
constexpr int severity(State state) {
  switch (state) {
  case State::Ok:
    return 0;
  case State::Warning:
    return 1;
  case State::Unknown:
    return 2;
  case State::Critical:
    break;
  }
  return 3;
}

constexpr State worst(State a, State b) {
  return severity(a) >= severity(b) ? a : b;
}

} // namespace cps
