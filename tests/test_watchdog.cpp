// SPDX-License-Identifier: GPL-3.0-or-later
// The watchdog: its prepared message, and a real alarm in a child process.
#include "lib/watchdog.hpp"

#include <chrono>
#include <csignal>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <pthread.h>
#include <string>
#include <sys/time.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace cps;
using namespace std::chrono_literals;

namespace {

struct ChildRun {
  int exit_code = -1;
  std::string output;
  std::chrono::milliseconds elapsed{0};
};

// Runs body in a forked child with stdout on a pipe; the child must end by itself. The parent
// starts reading after read_delay.
template <typename Body>
ChildRun run_in_child(Body body, std::chrono::milliseconds read_delay = 0ms) {
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  auto started = std::chrono::steady_clock::now();
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::close(pipe_fds[0]);
    body();
    ::_exit(42); // the body returned: the watchdog did not fire
  }
  ::close(pipe_fds[1]);
  ::usleep(static_cast<useconds_t>(read_delay.count() * 1000));
  ChildRun run;
  char buffer[1024];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) {
    run.output.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  run.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  return run;
}

} // namespace

TEST_CASE("watchdog message: one line with the -t state and the timeout") {
  CHECK(watchdog_message(10s, State::Critical) ==
        "PASSWORD_SYNC CRITICAL - timed out after 10s (the check did not finish; stopped by the "
        "watchdog)\n");
  CHECK(watchdog_message(2500ms, State::Unknown)
            .rfind("PASSWORD_SYNC UNKNOWN - timed out after "
                   "2.5s",
                   0) == 0);
}

TEST_CASE("watchdog fires: writes the prepared line and exits with the -t state") {
  ChildRun run = run_in_child([] {
    Watchdog watchdog(150ms, watchdog_message(1s, State::Unknown), State::Unknown);
    for (;;) {
      ::pause(); // a call that never returns on its own
    }
  });
  CHECK(run.exit_code == 3);
  CHECK(run.output == watchdog_message(1s, State::Unknown));
  CHECK(run.elapsed >= 140ms);
  CHECK(run.elapsed < 2s);
}

TEST_CASE("watchdog disarmed: nothing fires after it is destroyed") {
  ChildRun run = run_in_child([] {
    { Watchdog watchdog(100ms, watchdog_message(1s, State::Critical), State::Critical); }
    ::usleep(300 * 1000);
    // A second one can be armed once the first is gone.
    Watchdog again(5s, watchdog_message(1s, State::Critical), State::Critical);
  });
  CHECK(run.exit_code == 42);
  CHECK(run.output.empty());
}

TEST_CASE("watchdog gone: an alarm of its timer delivered late does not kill the check") {
  ChildRun run = run_in_child([] {
    { Watchdog watchdog(5s, watchdog_message(1s, State::Critical), State::Critical); }
    // The kernel's timer signal, arriving after the watchdog ended (valgrind delivers one that
    // fired just before the disarm this late): the default action would end the process.
    itimerval soon{};
    soon.it_value.tv_usec = 10 * 1000;
    ::setitimer(ITIMER_REAL, &soon, nullptr);
    ::usleep(200 * 1000);
  });
  CHECK(run.exit_code == 42);
  CHECK(run.output.empty());
}

namespace {

// Fills the pipe on stdout so that the next write blocks until the parent reads.
void fill_stdout() {
  int flags = ::fcntl(STDOUT_FILENO, F_GETFL);
  ::fcntl(STDOUT_FILENO, F_SETFL, flags | O_NONBLOCK);
  std::string block(4096, 'x');
  while (::write(STDOUT_FILENO, block.data(), block.size()) > 0) {
  }
  ::fcntl(STDOUT_FILENO, F_SETFL, flags);
}

// Waits until the watchdog's alarm has fired and left the pending set, that is, has been handed to
// the thread that does not block it (at most 10 s, for a loaded machine).
void wait_for_alarm_delivered() {
  for (int i = 0; i < 1000; ++i) {
    itimerval left{};
    ::getitimer(ITIMER_REAL, &left);
    sigset_t pending;
    ::sigpending(&pending);
    if (left.it_value.tv_sec == 0 && left.it_value.tv_usec == 0 &&
        sigismember(&pending, SIGALRM) == 0) {
      break;
    }
    ::usleep(10 * 1000);
  }
  ::usleep(50 * 1000); // and for that thread to enter the handler
}

} // namespace

TEST_CASE("watchdog fires on another thread while the check ends: one answer, the watchdog's") {
  ChildRun run = run_in_child(
      [] {
        std::thread resolver([] { // like libcurl's resolver thread: the alarm lands here
          for (;;) {
            ::pause();
          }
        });
        resolver.detach();
        sigset_t alarm_only;
        sigemptyset(&alarm_only);
        sigaddset(&alarm_only, SIGALRM);
        ::pthread_sigmask(SIG_BLOCK, &alarm_only, nullptr);
        fill_stdout(); // the handler's write blocks: it has taken the answer, not yet exited
        {
          Watchdog watchdog(50ms, watchdog_message(1s, State::Unknown), State::Unknown);
          wait_for_alarm_delivered();
        } // the check ends now: it must wait for the handler's _exit, not return
      },
      700ms);
  CHECK(run.exit_code == 3);
  CHECK(run.output.size() > watchdog_message(1s, State::Unknown).size());
  CHECK(run.output.substr(run.output.size() - watchdog_message(1s, State::Unknown).size()) ==
        watchdog_message(1s, State::Unknown));
}
