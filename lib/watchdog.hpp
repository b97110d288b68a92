// SPDX-License-Identifier: GPL-3.0-or-later
// A last-resort deadline for what libcurl cannot bound (a hung resolver, a stuck library call): an
// alarm slightly past -t that writes a prepared result and ends the process with the -t state.
#pragma once

#include "state.hpp"

#include <chrono>
#include <string>

namespace cps {

// How long after the -t deadline the watchdog fires; the normal timeout path answers before it.
constexpr std::chrono::milliseconds watchdog_grace{500};

// The one-line result the watchdog writes: "PASSWORD_SYNC CRITICAL - timed out after 10s ...".
std::string watchdog_message(std::chrono::milliseconds timeout, State timeout_state);

// While alive, SIGALRM after `after` writes `message` to standard output and calls
// _exit(exit_code(state)). A SIGALRM sent by another process, SIGTERM, SIGINT or SIGHUP instead
// writes "UNKNOWN - stopped by SIG... from another process ... (not a timeout)" and exits 3. Only
// one may be armed at a time. Destruction takes the answer (a signal arriving after it changes
// nothing; if the handler took it first, destruction waits for the handler's _exit), disarms the
// timer, leaves SIGALRM ignored and restores the previous actions of the other signals. The signal
// handlers only call write(2) and _exit(2).
class Watchdog {
public:
  Watchdog(std::chrono::milliseconds after, const std::string &message, State state);
  ~Watchdog();
  Watchdog(const Watchdog &) = delete;
  Watchdog &operator=(const Watchdog &) = delete;
};

} // namespace cps
