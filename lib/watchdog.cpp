// SPDX-License-Identifier: GPL-3.0-or-later
// The last-resort alarm past -t: async-signal-safe, prepared before it is armed.
#include "watchdog.hpp"

#include "duration.hpp"
#include "output.hpp"
#include "result.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <sys/time.h>
#include <unistd.h>

namespace cps {
namespace {

// The signal handler can reach only static storage; it is written before the alarm is armed and
// read only by the handler.
constexpr std::size_t message_capacity = 512;
char armed_message[message_capacity];
std::size_t armed_length = 0;
volatile sig_atomic_t armed_exit_code = 3;
bool armed = false;
struct sigaction previous_action {};

extern "C" void on_watchdog_alarm(int) {
  const char *data = armed_message;
  std::size_t left = armed_length;
  while (left > 0) {
    ssize_t written = ::write(STDOUT_FILENO, data, left);
    if (written < 0 && errno == EINTR) {
      continue;
    }
    if (written <= 0) {
      break;
    }
    data += written;
    left -= static_cast<std::size_t>(written);
  }
  ::_exit(armed_exit_code);
}

itimerval timer_for(std::chrono::milliseconds after) {
  long long ms = std::max<long long>(1, after.count());
  itimerval timer{};
  timer.it_value.tv_sec = static_cast<time_t>(ms / 1000);
  timer.it_value.tv_usec = static_cast<suseconds_t>(ms % 1000 * 1000);
  return timer;
}

} // namespace

std::string watchdog_message(std::chrono::milliseconds timeout, State timeout_state) {
  CheckResult result;
  result.state = timeout_state;
  result.summary = "timed out after " + format_seconds(timeout) +
                   " (the check did not finish; stopped by the watchdog)";
  std::string line = render(result, Redactor{}); // made before any secret is read
  return line.substr(0, std::min(line.size(), message_capacity));
}

Watchdog::Watchdog(std::chrono::milliseconds after, const std::string &message, State state) {
  if (armed) {
    throw std::logic_error("a watchdog is already armed");
  }
  armed_length = std::min(message.size(), message_capacity);
  std::memcpy(armed_message, message.data(), armed_length);
  armed_exit_code = exit_code(state);
  struct sigaction action {};
  action.sa_handler = on_watchdog_alarm;
  sigemptyset(&action.sa_mask);
  if (::sigaction(SIGALRM, &action, &previous_action) != 0) {
    throw std::runtime_error("cannot install the watchdog's signal handler");
  }
  itimerval timer = timer_for(after);
  if (::setitimer(ITIMER_REAL, &timer, nullptr) != 0) {
    ::sigaction(SIGALRM, &previous_action, nullptr);
    throw std::runtime_error("cannot arm the watchdog");
  }
  armed = true;
}

Watchdog::~Watchdog() {
  itimerval off{};
  ::setitimer(ITIMER_REAL, &off, nullptr);
  // Ignoring first discards an alarm that fired but is not delivered yet; the previous action
  // (usually the default, which terminates) must never see it.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGALRM, &ignore, nullptr);
  ::sigaction(SIGALRM, &previous_action, nullptr);
  armed = false;
}

} // namespace cps
