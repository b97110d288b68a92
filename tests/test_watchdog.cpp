// SPDX-License-Identifier: GPL-3.0-or-later
// The watchdog: its prepared message, and a real alarm in a child process.
#include "lib/watchdog.hpp"

#include <chrono>
#include <doctest/doctest.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

using namespace cps;
using namespace std::chrono_literals;

namespace {

struct ChildRun {
  int exit_code = -1;
  std::string output;
  std::chrono::milliseconds elapsed{0};
};

// Runs body in a forked child with stdout on a pipe; the child must end by itself.
template <typename Body>
ChildRun run_in_child(Body body) {
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
