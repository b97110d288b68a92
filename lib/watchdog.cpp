// SPDX-License-Identifier: GPL-3.0-or-later
// The last-resort alarm past -t: async-signal-safe, prepared before it is armed.
#include "watchdog.hpp"

#include "duration.hpp"
#include "output.hpp"
#include "result.hpp"
#include "wording.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <sys/time.h>
#include <unistd.h>

namespace cps {
namespace {

// The signal handlers can reach only static storage; it is written before the alarm is armed and
// read only by the handlers.
constexpr std::size_t message_capacity = 512;
char armed_message[message_capacity];
std::size_t armed_length = 0;
volatile sig_atomic_t armed_exit_code = 3;
bool armed = false;

// Exactly one answer is written: the first of the handler and the ending check to take this wins.
// The handler may run on any thread (libcurl's resolver thread too), so it is an atomic.
std::atomic<bool> answer_taken{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");

// Signals from outside (an operator, a scheduler giving up, a stray kill): answered UNKNOWN and
// named, never reported as this check's timeout.
constexpr int stop_signals[] = {SIGALRM, SIGTERM, SIGINT, SIGHUP};
constexpr std::size_t stop_signal_count = sizeof stop_signals / sizeof stop_signals[0];
constexpr std::size_t stop_capacity = 160;
char stop_messages[stop_signal_count][stop_capacity];
std::size_t stop_lengths[stop_signal_count] = {};
struct sigaction previous_actions[stop_signal_count] {};

void write_all(const char *data, std::size_t left) {
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
}

// SIGALRM from the kernel's timer is the deadline; any signal sent by a process (si_code
// SI_USER, SI_QUEUE, SI_TKILL) is not.
extern "C" void on_stop_signal(int signal, siginfo_t *info, void *) {
  if (answer_taken.exchange(true)) {
    return; // the check has its answer and is writing it: a late signal changes nothing
  }
  if (signal == SIGALRM && info != nullptr && info->si_code == SI_KERNEL) {
    write_all(armed_message, armed_length);
    ::_exit(armed_exit_code);
  }
  for (std::size_t i = 0; i < stop_signal_count; ++i) {
    if (stop_signals[i] == signal) {
      write_all(stop_messages[i], stop_lengths[i]);
    }
  }
  ::_exit(exit_code(State::Unknown));
}

void prepare_stop_messages() {
  static constexpr const char *names[] = {"SIGALRM", "SIGTERM", "SIGINT", "SIGHUP"};
  for (std::size_t i = 0; i < stop_signal_count; ++i) {
    CheckResult result;
    result.state = State::Unknown;
    result.summary = wording::stopped_by_signal(names[i]);
    std::string line = render(result, Redactor{});
    stop_lengths[i] = std::min(line.size(), stop_capacity);
    std::memcpy(stop_messages[i], line.data(), stop_lengths[i]);
  }
}

// Installs on_stop_signal for every stop signal, keeping the previous actions; false on failure
// (then nothing is left installed).
bool install_handlers() {
  struct sigaction action {};
  action.sa_sigaction = on_stop_signal;
  action.sa_flags = SA_SIGINFO;
  sigfillset(&action.sa_mask); // one message only, even when two signals arrive together
  for (std::size_t i = 0; i < stop_signal_count; ++i) {
    if (::sigaction(stop_signals[i], &action, &previous_actions[i]) != 0) {
      for (std::size_t j = 0; j < i; ++j) {
        ::sigaction(stop_signals[j], &previous_actions[j], nullptr);
      }
      return false;
    }
  }
  return true;
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
  result.summary = wording::watchdog_timed_out(format_seconds(timeout));
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
  prepare_stop_messages();
  if (!install_handlers()) {
    throw std::runtime_error("cannot install the watchdog's signal handlers");
  }
  itimerval timer = timer_for(after);
  if (::setitimer(ITIMER_REAL, &timer, nullptr) != 0) {
    for (std::size_t i = 0; i < stop_signal_count; ++i) {
      ::sigaction(stop_signals[i], &previous_actions[i], nullptr);
    }
    throw std::runtime_error("cannot arm the watchdog");
  }
  answer_taken = false;
  armed = true;
}

Watchdog::~Watchdog() {
  if (answer_taken.exchange(true)) {
    // The handler, on another thread, took the answer and is writing it: its _exit ends this
    // process. Writing a second answer here would give two status lines.
    for (;;) {
      ::pause();
    }
  }
  itimerval off{};
  ::setitimer(ITIMER_REAL, &off, nullptr);
  // SIGALRM stays ignored: an alarm of this timer that fired just before it was disarmed may be
  // delivered late (valgrind delivers it when its thread next holds the lock), and the default
  // action would kill a check that already has its answer. Nothing else in the plugin uses it.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  for (std::size_t i = 0; i < stop_signal_count; ++i) {
    ::sigaction(stop_signals[i], stop_signals[i] == SIGALRM ? &ignore : &previous_actions[i],
                nullptr);
  }
  armed = false;
}

} // namespace cps
